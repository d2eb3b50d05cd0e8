// Which guest answers at an address: the SSH host key its server offers, read from the first
// steps of a handshake that is then abandoned (nothing is authenticated, nothing is pinned).
// This is how seed 003's cached tier tells a VM from another guest that took its old address.

import net from 'node:net';
import { Client } from 'ssh2';

/** The host key (wire blob) the SSH server at host:port offers; null when none answers in time. */
export type OfferedHostKey = (host: string, port: number) => Promise<Buffer | null>;

export function sshOfferedHostKey(timeoutMs = 2000): OfferedHostKey {
  return (host, port) =>
    new Promise((resolve) => {
      const client = new Client();
      let done = false;
      const finish = (key: Buffer | null) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        client.destroy();
        resolve(key);
      };
      const timer = setTimeout(() => finish(null), timeoutMs);
      const sock = net.connect({ host, port, noDelay: true });
      sock.on('error', () => finish(null));
      client.on('error', () => finish(null));
      client.on('close', () => finish(null));
      try {
        // ssh2 calls hostVerifier with the server's key after key exchange, before any
        // authentication (ssh2 1.17 lib/client.js:273-286, the raw blob when no hostHash is set);
        // refusing it ends the handshake there.
        client.connect({
          sock,
          username: 'ragnatramp-tray-identity-check',
          readyTimeout: timeoutMs,
          hostVerifier: (key: Buffer, verify: (ok: boolean) => void) => {
            finish(Buffer.from(key));
            verify(false);
          },
        });
      } catch {
        finish(null);
      }
    });
}
