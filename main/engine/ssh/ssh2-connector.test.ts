// SSH through ssh2 against a real sshd: keys, host key checks, pooled connections.
import { mkdtempSync, readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../dev/test-support/ssh-test-server.js';
import { FileHostKeyStore, fingerprintOf } from './known-hosts.js';
import { Ssh2Connector } from './ssh2-connector.js';
import type { SshTarget } from './ssh-session.js';
import { syncHostsFiles } from './sync-hosts.js';
import { PooledConnector } from './pooled-connector.js';
import { parseWriteCommand, READ_HOSTS_COMMAND, sha256Hex } from './remote-hosts-write.js';

let server: TestServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

const pinFile = () => path.join(mkdtempSync(path.join(os.tmpdir(), 'rt-pins-')), 'known_hosts.json');
const target = (s: TestServer, extra: Partial<SshTarget> = {}): SshTarget => ({ machineName: 'web', host: '127.0.0.1', port: s.port, user: 'ubuntu', privateKeyPath: s.clientKeyPath, hostKeyAlias: 'vm:web-id', ...extra });

/** A guest that keeps /etc/hosts in memory and answers the tray's two commands. */
function guest(initial: string) {
  const file: { content: Buffer } = { content: Buffer.from(initial) };
  const handler = (command: string, stdin: Buffer) => {
    if (command === READ_HOSTS_COMMAND) return { code: 0, stdout: file.content };
    const w = parseWriteCommand(command);
    if (!w) return { code: 127, stderr: 'not found\n' };
    if (sha256Hex(file.content) !== w.oldSha) return { code: 10 };
    if (sha256Hex(stdin) !== w.newSha) return { code: 13 };
    file.content = stdin;
    return { code: 0, stdout: 'ok renamed\n' };
  };
  return { file, handler };
}

describe('Ssh2Connector', () => {
  it('connects with the key, runs a command with stdin, returns stdout, stderr and the exit code', async () => {
    server = await startTestServer((command, stdin) => ({ code: 7, stdout: `${command}|${stdin.toString()}`, stderr: 'warn' }));
    const firstUse: string[] = [];
    const connector = new Ssh2Connector({ hostKeys: new FileHostKeyStore(pinFile()), onFirstUse: (_t, fp) => firstUse.push(fp) });
    const session = await connector.connect(target(server), new AbortController().signal);
    const r = await session.exec('cat', Buffer.from('input'));
    session.close();
    expect({ code: r.code, stdout: r.stdout.toString(), stderr: r.stderr.toString() }).toEqual({ code: 7, stdout: 'cat|input', stderr: 'warn' });
    expect(firstUse).toEqual([fingerprintOf(server.hostKeyBlob)]);
  });

  it('pins the host key on first use and refuses a changed one with a clear warning', async () => {
    server = await startTestServer(() => ({ code: 0 }));
    const pins = pinFile();
    const connector = new Ssh2Connector({ hostKeys: new FileHostKeyStore(pins) });
    (await connector.connect(target(server), new AbortController().signal)).close();
    expect(JSON.parse(readFileSync(pins, 'utf8')).keys['vm:web-id']).toMatchObject({ keyType: 'ssh-ed25519', fingerprint: fingerprintOf(server.hostKeyBlob), host: '127.0.0.1' });
    server.rotateHostKey();
    await new Promise((r) => setTimeout(r, 100));
    await expect(connector.connect(target(server), new AbortController().signal)).rejects.toMatchObject({
      kind: 'host-key-changed',
      message: expect.stringMatching(/SSH host key of 'web' changed .*rebuilt or someone is intercepting.*--accept-host-key web/),
    });
  });

  it('pins per VM, not per address: the same VM at a new IP is still trusted', async () => {
    server = await startTestServer(() => ({ code: 0 }), { hosts: ['127.0.0.1', '127.0.0.2'] });
    const connector = new Ssh2Connector({ hostKeys: new FileHostKeyStore(pinFile()) });
    (await connector.connect(target(server), new AbortController().signal)).close();
    (await connector.connect(target(server, { host: '127.0.0.2' }), new AbortController().signal)).close();
  });

  it('explains a refused key, a refused port and an unreadable key file', async () => {
    server = await startTestServer(() => ({ code: 0 }), { acceptKey: false });
    const connector = new Ssh2Connector({ hostKeys: new FileHostKeyStore(pinFile()) });
    await expect(connector.connect(target(server), new AbortController().signal)).rejects.toMatchObject({ kind: 'auth', message: expect.stringMatching(/refused key .* for user 'ubuntu'.*authorized_keys/) });
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    await expect(connector.connect(target(server, { port }), new AbortController().signal)).rejects.toMatchObject({ kind: 'unreachable', message: expect.stringMatching(/refused.*is sshd running/) });
    await expect(connector.connect(target(server, { privateKeyPath: '/nonexistent/key' }), new AbortController().signal)).rejects.toMatchObject({ kind: 'key-file', message: expect.stringMatching(/cannot read private key \/nonexistent\/key .*ENOENT/) });
  });

  it('syncs a guest over real SSH, then finds it current and writes nothing', async () => {
    const g = guest('127.0.0.1 localhost\n');
    server = await startTestServer(g.handler);
    const connector = new Ssh2Connector({ hostKeys: new FileHostKeyStore(pinFile()) });
    const block = '# BEGIN RAGNATRAMP\n# Managed by ragnatramp - do not edit this block\n172.18.0.2 web\n# END RAGNATRAMP\n';
    const first = await syncHostsFiles([{ target: target(server), block }], connector, { concurrency: 2, timeoutMs: 5000 });
    expect(first[0]).toMatchObject({ success: true, changed: true });
    expect(g.file.content.toString()).toBe(`127.0.0.1 localhost\n${block}`);
    const second = await syncHostsFiles([{ target: target(server), block }], connector, { concurrency: 2, timeoutMs: 5000 });
    expect(second[0]).toMatchObject({ success: true, changed: false });
  });

  it('a guest that hangs mid-command is cut off by the per-VM timeout', async () => {
    server = await startTestServer(() => 'hang');
    const connector = new Ssh2Connector({ hostKeys: new FileHostKeyStore(pinFile()) });
    const [r] = await syncHostsFiles([{ target: target(server), block: 'x\n' }], connector, { concurrency: 1, timeoutMs: 1500 });
    expect(r).toMatchObject({ success: false, error: "no answer from 'web' within 2 s (is the guest hung?)" });
  });
});

describe('PooledConnector over real SSH', () => {
  it('re-syncs over the kept connection, and replaces one the guest dropped', async () => {
    const g = guest('127.0.0.1 localhost\n');
    server = await startTestServer(g.handler);
    const pool = new PooledConnector(new Ssh2Connector({ hostKeys: new FileHostKeyStore(pinFile()) }));
    const block = (ip: string) => `# BEGIN RAGNATRAMP\n# Managed by ragnatramp - do not edit this block\n${ip} web\n# END RAGNATRAMP\n`;
    const sync = (ip: string) => syncHostsFiles([{ target: target(server!), block: block(ip) }], pool, { concurrency: 1, timeoutMs: 5000 });
    expect((await sync('172.18.0.2'))[0]).toMatchObject({ success: true, changed: true });
    expect((await sync('172.18.0.3'))[0]).toMatchObject({ success: true, changed: true });
    expect(server.connections).toBe(1);
    expect(pool.opened).toBe(1);
    expect(pool.idleCount).toBe(1);
    server.dropConnections(); // the guest reboots: the pooled session is dead
    await new Promise((r) => setTimeout(r, 100));
    expect((await sync('172.18.0.4'))[0]).toMatchObject({ success: true, changed: true });
    expect(pool.opened).toBe(2);
    expect(g.file.content.toString()).toContain('172.18.0.4 web');
    pool.dispose();
    expect(pool.idleCount).toBe(0);
  });

  it('expires idle connections', async () => {
    server = await startTestServer(() => ({ code: 0, stdout: '' }));
    const pool = new PooledConnector(new Ssh2Connector({ hostKeys: new FileHostKeyStore(pinFile()) }), { maxIdle: 4, idleMs: 100 });
    (await pool.connect(target(server), new AbortController().signal)).close();
    expect(pool.idleCount).toBe(1);
    await new Promise((r) => setTimeout(r, 250));
    expect(pool.idleCount).toBe(0);
  });
});
