// Whether a TCP port answers: the difference between seed 003's `booting` and `running`.

import net from 'node:net';

export type PortProbe = (host: string, port: number) => Promise<boolean>;

export function tcpProbe(timeoutMs = 1500): PortProbe {
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
