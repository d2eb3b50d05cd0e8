// Test traffic stays home: in a test run, a connection to an address that would leave this
// machine (routed through a gateway, or on the host's own uplink) is refused before a packet is
// sent, and the test that tried it fails. Fakes report addresses inside the namespaces and
// bridges the tests create, or loopback; an address a fake made up (a fake agent's 10.9.8.7)
// belongs to someone's real network, and a test that probed it would scan it.

import { execFileSync } from 'node:child_process';
import net from 'node:net';
import { BroadcastChannel, isMainThread } from 'node:worker_threads';

const verdicts = new Map<string, boolean>();
let uplinks: Set<string> | null = null;

function routeGet(args: string[]): Array<{ type?: string; gateway?: string; dev?: string }> {
  try {
    return JSON.parse(execFileSync('ip', ['-j', 'route', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, LC_ALL: 'C' } })) as Array<{ type?: string; gateway?: string; dev?: string }>;
  } catch {
    return [];
  }
}

/** Whether traffic to `ip` would leave this machine, by the kernel's own route to it. */
export function leavesMachine(ip: string): boolean {
  const family = net.isIP(ip);
  if (!family) return false; // names are resolved later; tests use loopback names only
  if (/^127\./.test(ip) || ip === '::1' || /^::ffff:127\./i.test(ip)) return false;
  let verdict = verdicts.get(ip);
  if (verdict !== undefined) return verdict;
  if (process.platform !== 'linux') {
    verdict = true; // no route table to ask: anything but loopback may leave
  } else {
    uplinks ??= new Set([...routeGet(['show', 'default']), ...routeGet(['-6', 'show', 'default'])].map((r) => r.dev ?? ''));
    const route = routeGet(['get', ip])[0];
    // No route: nothing can be sent. Local: one of this machine's own addresses. A gateway, or
    // the device of a default route: the packet goes out of the machine.
    verdict = !!route && route.type !== 'local' && (!!route.gateway || uplinks.has(route.dev ?? ''));
  }
  verdicts.set(ip, verdict);
  return verdict;
}

/** Every refused attempt of this run, for the test that made it to fail on. */
export const refused: string[] = [];

// An engine worker thread's refusals reach the test's thread over this channel.
const CHANNEL = 'ragnatramp-stays-home';
let channel: BroadcastChannel | null = null;

type Connect = (this: net.Socket, ...args: unknown[]) => net.Socket;

/** Patches net.Socket's connect (which tls and ssh2 use too) to refuse addresses that would leave the machine. */
export function guardConnections(): void {
  const proto = net.Socket.prototype as unknown as { connect: Connect; __staysHome?: boolean };
  if (proto.__staysHome) return;
  proto.__staysHome = true;
  channel = new BroadcastChannel(CHANNEL);
  channel.unref();
  if (isMainThread) channel.onmessage = (m) => refused.push(String((m as { data: unknown }).data));
  const original = proto.connect;
  proto.connect = function (this: net.Socket, ...args: unknown[]) {
    const first = args[0];
    const options = (Array.isArray(first) ? first[0] : first) as { host?: string; port?: number; path?: string } | number | string;
    const host = typeof options === 'object' && options !== null ? (options.path ? undefined : options.host) : typeof options === 'number' ? (typeof args[1] === 'string' ? args[1] : undefined) : undefined;
    const port = typeof options === 'object' && options !== null ? options.port : options;
    if (host && leavesMachine(host)) {
      const what = `${host}:${String(port)}`;
      if (isMainThread) refused.push(what);
      else channel?.postMessage(what);
      process.nextTick(() => this.destroy(Object.assign(new Error(`test traffic to ${what} was refused: it would leave this machine (use an address inside a namespace the test created, or loopback)`), { code: 'ESTAYSHOME' })));
      return this;
    }
    return original.apply(this, args);
  };
}
