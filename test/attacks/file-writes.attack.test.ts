// Issue 19, breaks 7 and 8: temp files were named per process, so two writes in one process
// collided (EEXIST) and a failed write left a name that blocked every later one; and run under
// sudo with HOME kept, the tray handed the user's ~/.ssh/config, its own folder and the files in
// it to root. Now each write has a temp name of its own, removed on failure, and a file or folder
// root writes keeps (or, new, takes from its folder) the user's owner; the mode is kept.
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openLog } from '../../main/engine/log/log-file.js';
import { FileHostKeyStore } from '../../main/engine/ssh/known-hosts.js';
import type { SshHostEntry } from '../../main/engine/ssh/ssh-client-config.js';
import { writeSshConfig } from '../../main/engine/ssh/write-ssh-config.js';

const isRoot = process.getuid?.() === 0;
const KEY = Buffer.concat([Buffer.from([0, 0, 0, 11]), Buffer.from('ssh-ed25519'), Buffer.from([0, 0, 0, 32]), Buffer.alloc(32, 7)]);
const entry = (host: string): SshHostEntry => ({ project: 'shop', machine: 'web', host, port: 22, user: 'ubuntu', identityFile: '/keys/id', hostKeyAlias: 'vm:web' });
const noCheck = async () => null;
const ROOT_DIR = path.resolve(import.meta.dirname, '../..');

describe('break 7: temp files', () => {
  it('two writes at once in one process both succeed', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'rt-tmp-'));
    const store = new FileHostKeyStore(path.join(home, 'known_hosts.json'));
    const writes = ['10.0.0.1', '10.0.0.2', '10.0.0.3'].map((ip) => writeSshConfig({ home, entries: [entry(ip)], hostKeys: store, check: noCheck }));
    await expect(Promise.all(writes)).resolves.toHaveLength(3);
    expect(readdirSync(path.join(home, 'ssh')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('a failed write removes its temp file, and the next write works once the cause is gone', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'rt-tmp-'));
    const store = new FileHostKeyStore(path.join(home, 'known_hosts.json'));
    // A folder where the config goes: the rename fails, as a full disk or a locked file would.
    mkdirSync(path.join(home, 'ssh', 'config', 'blocker'), { recursive: true });
    await expect(writeSshConfig({ home, entries: [entry('10.0.0.1')], hostKeys: store, check: noCheck })).rejects.toThrow();
    expect(readdirSync(path.join(home, 'ssh')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    rmSync(path.join(home, 'ssh', 'config'), { recursive: true });
    await writeSshConfig({ home, entries: [entry('10.0.0.1')], hostKeys: store, check: noCheck });
    expect(readFileSync(path.join(home, 'ssh', 'config'), 'utf8')).toContain('HostName 10.0.0.1');
  });
});

describe.skipIf(!isRoot)('break 8: run as root (sudo, HOME kept), the user keeps their files', () => {
  it("~/.ssh/config keeps its owner and mode; the tray's folder and every file in it are the user's", async () => {
    const user = { uid: 4242, gid: 4243 };
    const root = mkdtempSync(path.join(os.tmpdir(), 'rt-sudo-'));
    chownSync(root, user.uid, user.gid);
    const dotSsh = path.join(root, '.ssh');
    mkdirSync(dotSsh, { mode: 0o700 });
    chownSync(dotSsh, user.uid, user.gid);
    const userConfig = path.join(dotSsh, 'config');
    writeFileSync(userConfig, 'Host *\n  ServerAliveInterval 30\n');
    chownSync(userConfig, user.uid, user.gid);
    chmodSync(userConfig, 0o640);
    const home = path.join(root, '.config', 'ragnatramp-tray');
    const log = openLog({ dir: home, component: 'test' });
    log.info('pass');
    await log.close();
    const store = new FileHostKeyStore(path.join(home, 'known_hosts.json'));
    await store.verify('vm:web', '10.0.0.1', KEY);
    const files = await writeSshConfig({ home, entries: [entry('10.0.0.1')], hostKeys: store, userConfig, check: noCheck });
    expect(files.changed).toContain(userConfig);
    const owner = (f: string) => ({ uid: statSync(f).uid, gid: statSync(f).gid });
    expect({ ...owner(userConfig), mode: statSync(userConfig).mode & 0o777 }).toEqual({ ...user, mode: 0o640 });
    for (const f of [path.join(root, '.config'), home, path.join(home, 'ssh'), files.configFile, files.knownHostsFile, path.join(home, 'known_hosts.json'), path.join(home, 'ragnatramp-tray.log')]) {
      expect([f, owner(f)]).toEqual([f, user]);
    }
  });

  it("a process that is not root refuses to replace another user's ~/.ssh/config, and says why", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rt-other-'));
    chmodSync(dir, 0o777);
    const userConfig = path.join(dir, 'config');
    writeFileSync(userConfig, 'Host *\n');
    chmodSync(userConfig, 0o666);
    const script = path.join(dir, 'write.mts');
    writeFileSync(script, [
      `import { FileHostKeyStore } from ${JSON.stringify(path.join(ROOT_DIR, 'main/engine/ssh/known-hosts.ts'))};`,
      `import { writeSshConfig } from ${JSON.stringify(path.join(ROOT_DIR, 'main/engine/ssh/write-ssh-config.ts'))};`,
      `const home = ${JSON.stringify(path.join(dir, 'tray'))};`,
      `await writeSshConfig({ home, entries: [], hostKeys: new FileHostKeyStore(home + '/pins.json'), userConfig: ${JSON.stringify(userConfig)}, check: async () => null }).then(() => console.log('written'), (e) => console.log(e.message));`,
    ].join('\n'));
    const r = spawnSync(process.execPath, ['--import', 'tsx', script], { uid: 4242, gid: 4243, cwd: ROOT_DIR, encoding: 'utf8' });
    expect(r.stdout).toMatch(/config belongs to another user \(uid 0\); replacing it would make it this user's \(uid 4242\)\. Run as its owner\./);
    expect(statSync(userConfig).uid).toBe(0);
    expect(readFileSync(userConfig, 'utf8')).toBe('Host *\n');
  }, 30_000);
});
