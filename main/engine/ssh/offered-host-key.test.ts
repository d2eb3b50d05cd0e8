// Which guest answers at an address: the host key an SSH server offers is read before any
// login (nothing authenticated, nothing pinned), and a port with no SSH server gives none.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../dev/test-support/ssh-test-server.js';
import { sshOfferedHostKey } from './offered-host-key.js';

let server: TestServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

describe('sshOfferedHostKey', () => {
  it("returns the server's host key blob, and a rebuilt guest's new one, without logging in", async () => {
    server = await startTestServer(() => ({ code: 0 }));
    const offered = sshOfferedHostKey(5000);
    expect(await offered('127.0.0.1', server.port)).toEqual(server.hostKeyBlob);
    server.rotateHostKey();
    await new Promise((r) => setTimeout(r, 100)); // the test server listens again with the new key
    expect(await offered('127.0.0.1', server.port)).toEqual(server.hostKeyBlob);
  });

  it('gives null for a closed port and for a port that accepts TCP but never speaks SSH', async () => {
    const silent = net.createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as net.AddressInfo).port;
    try {
      expect(await sshOfferedHostKey(300)('127.0.0.1', port)).toBeNull();
    } finally {
      silent.close();
    }
    expect(await sshOfferedHostKey(300)('127.0.0.1', port)).toBeNull();
  });
});
