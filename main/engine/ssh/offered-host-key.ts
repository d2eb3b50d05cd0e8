// Which guest answers at an address: the SSH host key its server offers and proves it holds
// (the key exchange's signature verified), read from a handshake that is then abandoned before
// any login (nothing is authenticated, nothing is pinned).
// This is how seed 003's cached tier tells a VM from another guest that took its old address.

import net from 'node:net';
import { Client } from 'ssh2';

/** The host key (wire blob) the SSH server at host:port proves it holds; null when none does in time. */
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
      // ssh2 calls hostVerifier with the server's key blob (the raw blob when no hostHash is set,
      // ssh2 1.17 lib/client.js:273-286) before it checks the server's signature over the
      // exchange hash (lib/protocol/kex.js:1200, then :698). A public key is no proof: a guest
      // that took the VM's old address may offer the VM's public key. So the key is accepted
      // and counts only once 'handshake' says the signature verified (lib/client.js:322-326,
      // emitted before the login starts, which destroy() then cuts off).
      let offered: Buffer | null = null;
      client.on('handshake', () => finish(offered));
      try {
        client.connect({
          sock,
          username: 'ragnatramp-tray-identity-check',
          readyTimeout: timeoutMs,
          hostVerifier: (key: Buffer, verify: (ok: boolean) => void) => {
            offered = Buffer.from(key);
            verify(true);
          },
        });
      } catch {
        finish(null);
      }
    });
}
