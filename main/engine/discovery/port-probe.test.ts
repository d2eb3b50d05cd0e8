// "SSH answers" means an SSH server answered: a port that accepts and stays silent (QEMU's
// user-mode forward with no guest behind it) or talks something else is not SSH; a real sshd's
// identification line is; and a pass asks each address once.
import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { probeOncePerPass, sshProbe } from './port-probe.js';

const servers: net.Server[] = [];
afterAll(() => servers.forEach((s) => s.close()));

/** A loopback server that does `onConnection` with each client; its port and a connection count. */
async function server(onConnection: (socket: net.Socket) => void): Promise<{ port: number; connections: () => number }> {
  let count = 0;
  const s = net.createServer((socket) => {
    count++;
    socket.on('error', () => undefined);
    onConnection(socket);
  });
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return { port: (s.address() as net.AddressInfo).port, connections: () => count };
}

describe('sshProbe', () => {
  it('a port that accepts and says nothing (a user-mode forward, no guest yet) is not SSH', async () => {
    const silent = await server(() => undefined);
    expect(await sshProbe(400, 300)('127.0.0.1', silent.port)).toBe(false);
  });

  it("an SSH server's identification line is, even after other lines and split across packets (RFC 4253 §4.2)", async () => {
    const sshd = await server((s) => s.write('SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n'));
    const chatty = await server((s) => {
      s.write('Welcome\r\nSS');
      setTimeout(() => s.write('H-2.0-dropbear_2022.83\r\n'), 20);
    });
    expect(await sshProbe()('127.0.0.1', sshd.port)).toBe(true);
    expect(await sshProbe()('127.0.0.1', chatty.port)).toBe(true);
  });

  it('another protocol, a closed connection, endless bytes or a closed port are not SSH', async () => {
    const http = await server((s) => s.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    const flood = await server((s) => s.write(Buffer.alloc(64 * 1024, 'x')));
    const closed = await server(() => undefined);
    const closedPort = closed.port;
    servers.pop()!.close();
    expect(await sshProbe()('127.0.0.1', http.port)).toBe(false);
    expect(await sshProbe(400, 5_000)('127.0.0.1', flood.port)).toBe(false);
    expect(await sshProbe()('127.0.0.1', closedPort)).toBe(false);
  });

  it('one probe per address and port in a pass, however many steps ask', async () => {
    const sshd = await server((s) => s.write('SSH-2.0-x\r\n'));
    const probe = probeOncePerPass(sshProbe());
    expect(await Promise.all([probe('127.0.0.1', sshd.port), probe('127.0.0.1', sshd.port)])).toEqual([true, true]);
    expect(await probe('127.0.0.1', sshd.port)).toBe(true);
    expect(sshd.connections()).toBe(1);
  });
});
