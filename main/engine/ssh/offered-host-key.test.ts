// Which guest answers at an address: the host key an SSH server offers is read before any
// login (nothing authenticated, nothing pinned), and a port with no SSH server gives none.
import net from 'node:net';
import { Server, utils } from 'ssh2';
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

  it("gives null for a server that offers another guest's public host key without holding its private key", async () => {
    // A host key is public (any known_hosts holds it): the key's signature over the exchange
    // hash is what proves the server holds it. The impostor sends the VM's public blob and signs
    // with its own key; ssh2 verifies that signature only after hostVerifier accepts
    // (ssh2 1.17 lib/protocol/kex.js:1200 hostVerifier, then :698 parsedHostKey.verify).
    const pem = () => utils.generateKeyPairSync('ed25519').private;
    const vm = utils.parseKey(pem()) as ReturnType<typeof utils.parseKey> & { getPublicSSH(): Buffer };
    const own = utils.parseKey(pem()) as object;
    const impostor = Object.create(own, { getPublicSSH: { value: () => vm.getPublicSSH() } });
    const fake = new Server({ hostKeys: [{ key: impostor }] }, (c) => c.on('error', () => undefined));
    await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
    try {
      expect(await sshOfferedHostKey(3000)('127.0.0.1', (fake.address() as net.AddressInfo).port)).toBeNull();
    } finally {
      fake.close();
    }
  });
});
