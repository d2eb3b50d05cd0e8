// Whether an SSH server answers at an address: the difference between seed 003's `booting` and
// `running`. An accepted TCP connection proves nothing: QEMU's user-mode network accepts on a
// forward with no guest behind it (slirp answers the host side itself), so the port counts only
// once the server's identification line, `SSH-protoversion-…` (RFC 4253 §4.2), has arrived.

import net from 'node:net';

export type PortProbe = (host: string, port: number) => Promise<boolean>;

// RFC 4253 §4.2: the server may send other lines first; the version line is at most 255 bytes.
// A few KiB without one is not an SSH server.
const MAX_GREETING_BYTES = 8 * 1024;

// A guest on a local virtual switch answers a SYN in well under a millisecond; an address that
// stays silent (a guest renumbered away from it) must not hold a whole pass up. sshd sends its
// line as soon as it accepts, but a guest under emulation (or a loaded host) takes a moment.
export function sshProbe(connectTimeoutMs = 400, bannerTimeoutMs = 2_000): PortProbe {
  return (host, port) =>
    new Promise((resolve) => {
      const socket = net.connect({ host, port });
      let greeting = '';
      const done = (ssh: boolean) => {
        clearTimeout(banner);
        socket.destroy();
        resolve(ssh);
      };
      let banner: NodeJS.Timeout | undefined;
      socket.setTimeout(connectTimeoutMs, () => done(false));
      socket.once('connect', () => {
        socket.setTimeout(0);
        banner = setTimeout(() => done(false), bannerTimeoutMs);
      });
      socket.on('data', (chunk: Buffer) => {
        greeting += chunk.toString('latin1');
        if (/(^|\n)SSH-/.test(greeting)) return done(true);
        if (greeting.length > MAX_GREETING_BYTES) done(false);
      });
      socket.once('end', () => done(false));
      socket.once('error', () => done(false));
    });
}

/** One probe per address and port for as long as this wrapper lives (one pass): later asks share it. */
export function probeOncePerPass(probe: PortProbe): PortProbe {
  const asked = new Map<string, Promise<boolean>>();
  return (host, port) => {
    const key = `${host}\u0000${port}`;
    let answer = asked.get(key);
    if (!answer) asked.set(key, (answer = probe(host, port)));
    return answer;
  };
}
