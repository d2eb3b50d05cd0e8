// Whether a TCP port answers: the difference between seed 003's `booting` and `running`.

import net from 'node:net';

export type PortProbe = (host: string, port: number) => Promise<boolean>;

// A guest on a local virtual switch answers a SYN in well under a millisecond; an address that
// stays silent (a guest renumbered away from it) must not hold a whole pass up.
export function tcpProbe(timeoutMs = 400): PortProbe {
  return (host, port) =>
    new Promise((resolve) => {
      const socket = net.connect({ host, port });
      const done = (open: boolean) => {
        socket.destroy();
        resolve(open);
      };
      socket.setTimeout(timeoutMs, () => done(false));
      socket.once('connect', () => done(true));
      socket.once('error', () => done(false));
    });
}
