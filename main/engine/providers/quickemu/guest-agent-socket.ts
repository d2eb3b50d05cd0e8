// The QEMU guest agent over quickemu's `<vm>-agent.sock`, a chardev socket server wired to the
// guest's org.qemu.guest_agent.0 port (quickemu:1767-1772). The QGA protocol (QEMU's
// qga/qapi-schema.json, 7.2): a 0xFF byte and `guest-sync` with a random id, every answer ignored
// until that id comes back (:75-110), then `guest-network-get-interfaces` (:706-730); one JSON
// answer a line. One deadline for the whole exchange, the connection always closed, and one
// connection per socket at a time: the chardev serves a single client.

import { randomInt } from 'node:crypto';
import net from 'node:net';
import { parseGuestNetworkInterfaces, type GuestInterface } from '../../discovery/guest-interfaces.js';

/** `silent`: nothing came back before the deadline (no qemu-ga running in the guest, or not yet). */
export type AgentReply = { interfaces: GuestInterface[] } | { error: string; silent?: true };

export const AGENT_TIMEOUT_MS = 2_000;

// A guest with a hundred interfaces answers in a few tens of KiB: a bigger stream is not an agent.
const MAX_ANSWER_BYTES = 1024 * 1024;

const inFlight = new Map<string, Promise<AgentReply>>();

/** The guest's interfaces as its agent reports them, or why they could not be had. */
export function askGuestAgent(socketPath: string, timeoutMs = AGENT_TIMEOUT_MS): Promise<AgentReply> {
  const pending = inFlight.get(socketPath);
  if (pending) return pending;
  const asked = exchange(socketPath, timeoutMs).finally(() => inFlight.delete(socketPath));
  inFlight.set(socketPath, asked);
  return asked;
}

function exchange(socketPath: string, timeoutMs: number): Promise<AgentReply> {
  return new Promise((resolve) => {
    const syncId = randomInt(1, 2 ** 47);
    const socket = net.connect({ path: socketPath });
    let buffered = '';
    let received = 0;
    let synced = false;
    const finish = (answer: AgentReply) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => finish({ error: `the guest agent did not answer within ${timeoutMs / 1000} s (is qemu-guest-agent running in the guest?)`, silent: true }), timeoutMs);
    socket.once('connect', () => {
      socket.write(Buffer.concat([Buffer.from([0xff]), Buffer.from(`${JSON.stringify({ execute: 'guest-sync', arguments: { id: syncId } })}\n`)]));
    });
    socket.on('error', (err: NodeJS.ErrnoException) => finish({ error: `its socket ${socketPath} refused the connection (${err.code ?? err.message})` }));
    socket.on('close', () => finish({ error: 'the guest agent channel closed before answering' }));
    socket.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > MAX_ANSWER_BYTES) return finish({ error: `the guest agent sent more than ${MAX_ANSWER_BYTES} bytes` });
      // 0xFF is not UTF-8: a sentinel an agent echoes (guest-sync-delimited) is dropped here.
      buffered += chunk.toString('utf8').replace(/\uFFFD/g, '');
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl).trim();
        buffered = buffered.slice(nl + 1);
        const reply = parseLine(line);
        if (!synced) {
          // Stale answers meant for an earlier client come first: skip them (:79-83).
          if (reply && reply['return'] === syncId) {
            synced = true;
            socket.write(`${JSON.stringify({ execute: 'guest-network-get-interfaces' })}\n`);
          }
          continue;
        }
        if (!reply) return finish({ error: 'the guest agent answered with something that is not JSON' });
        return finish(readInterfaces(reply));
      }
    });
  });
}

function parseLine(line: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(line);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** `{"return": [GuestNetworkInterface…]}` or `{"error": {"class", "desc"}}`. */
export function readInterfaces(reply: Record<string, unknown>): AgentReply {
  const error = reply['error'] as { desc?: unknown } | undefined;
  if (error) return { error: `the guest agent refused: ${typeof error.desc === 'string' ? error.desc : 'no reason given'}` };
  const list = reply['return'];
  if (!Array.isArray(list)) return { error: 'the guest agent answered without a list of interfaces' };
  return { interfaces: parseGuestNetworkInterfaces(list) };
}
