// Issue 19, break 4: the support bundle carried a private key (a project's state.json symlinked
// to ~/.ssh/id_ed25519), hung on a FIFO, read any size, and was written, like the log, readable by
// everyone. Now a project file is read only if it is a regular file of bounded size, a final
// scan leaves out whatever holds key material, the zip lists what it holds and what it left out,
// and the zip and the log are their owner's only.
import { execFileSync } from 'node:child_process';
import { linkSync, mkdirSync, mkdtempSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeFixture } from '../../dev/test-support/project-fixture.js';
import { unzip } from '../../dev/test-support/unzip.js';
import { runCli } from '../../main/cli/cli.js';
import { openLog } from '../../main/engine/log/log-file.js';

const PRIVATE_KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n-----END OPENSSH PRIVATE KEY-----\n';
const TOKEN = 'monitor@pve!tray=5f0c2a1e-7d3b-4e8a-9c61-2b4d8e0f1a37';

async function bundle(home: string, configs: string[]) {
  let stdout = '';
  let stderr = '';
  const out = path.join(home, 'bundle.zip');
  const code = await runCli(['support-bundle', ...configs.flatMap((c) => ['--config', c]), '--out', out], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: process.env, logDir: home });
  return { code, stdout, stderr, out };
}

describe('break 4: the support bundle holds no secret', () => {
  it('a state.json symlinked to a private key is not followed; the zip says it left it out', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'rt-bundle-'));
    const f = makeFixture({ machines: ['web'] });
    writeFileSync(path.join(f.dir, 'id_ed25519'), 'not a key, but would be read\n');
    mkdirSync(path.dirname(f.statePath));
    symlinkSync(path.join(f.dir, 'id_ed25519'), f.statePath);
    const r = await bundle(home, [f.configPath]);
    expect(r.code).toBe(0);
    const entries = unzip(r.out);
    expect([...entries.values()].join('\n')).not.toContain('would be read');
    const contents = JSON.parse(entries.get('contents.json')!);
    expect(contents.leftOut).toEqual([{ file: f.statePath, why: 'is a symbolic link; what it points to was not read' }]);
    expect(new Set(contents.holds)).toEqual(new Set(entries.keys()));
    expect(r.stderr).toContain(`Left out: ${f.statePath} is a symbolic link; what it points to was not read.`);
  });

  it('a FIFO is not opened for reading (no hang), and a file over the cap is not read', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'rt-bundle-'));
    const a = makeFixture({ machines: ['web'] });
    mkdirSync(path.dirname(a.statePath));
    execFileSync('mkfifo', [a.statePath]);
    const b = makeFixture({ machines: ['web'] });
    mkdirSync(path.dirname(b.statePath));
    writeFileSync(b.statePath, Buffer.alloc(3 * 1024 * 1024, 0x20));
    const r = await bundle(home, [a.configPath, b.configPath]);
    const contents = JSON.parse(unzip(r.out).get('contents.json')!);
    expect(contents.leftOut).toEqual([
      { file: a.statePath, why: 'is not a regular file (a FIFO, device or folder); it was not read' },
      { file: b.statePath, why: 'is 3145728 bytes, over the 2 MiB cap' },
    ]);
  }, 10_000);

  it('key material pasted into a project file or logged is caught by the final scan and left out', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'rt-bundle-'));
    const f = makeFixture({ machines: ['web'], configText: `# my key, for safekeeping:\n# ${PRIVATE_KEY.replace(/\n/g, '\n# ')}\nproject: { name: p }\ndefaults: { base_image: C:/x.vhdx }\nmachines: [{ name: web }]\n` });
    writeFileSync(path.join(home, 'ragnatramp-tray.log'), `{"level":30,"msg":"proxmox","token":"${TOKEN}"}\n`);
    const r = await bundle(home, [f.configPath]);
    const entries = unzip(r.out);
    const all = [...entries.values()].join('\n');
    expect(all).not.toContain('PRIVATE KEY');
    expect(all).not.toContain('5f0c2a1e-7d3b');
    expect(JSON.parse(entries.get('contents.json')!).leftOut).toEqual([
      { file: path.join(home, 'ragnatramp-tray.log'), why: 'holds a Proxmox VE API token; it was left out' },
      { file: f.configPath, why: 'holds a private key (a PEM or OpenSSH key block); it was left out' },
    ]);
  });

  it('a state.json hard-linked to a PuTTY key (.ppk, which ssh2 and so the tray read) is left out by the final scan', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'rt-bundle-'));
    const f = makeFixture({ machines: ['web'] });
    const ppk = path.join(f.dir, 'id_rsa.ppk');
    writeFileSync(ppk, 'PuTTY-User-Key-File-2: ssh-rsa\r\nEncryption: none\r\nComment: me\r\nPublic-Lines: 1\r\nAAAAB3NzaC1yc2E=\r\nPrivate-Lines: 1\r\nAAAAgQDsecretprivatepart=\r\nPrivate-MAC: 0123abcd\r\n');
    mkdirSync(path.dirname(f.statePath));
    linkSync(ppk, f.statePath); // a regular file: only the scan can tell
    const r = await bundle(home, [f.configPath]);
    const entries = unzip(r.out);
    expect([...entries.values()].join('\n')).not.toContain('secretprivatepart');
    expect(JSON.parse(entries.get('contents.json')!).leftOut).toEqual([{ file: f.statePath, why: 'holds a PuTTY private key (.ppk); it was left out' }]);
  });

  it.skipIf(process.platform === 'win32')('the zip and the log are their owner\'s only (0600)', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'rt-bundle-'));
    const log = openLog({ dir: home, component: 'test' });
    log.info('hello');
    await log.close();
    expect(statSync(path.join(home, 'ragnatramp-tray.log')).mode & 0o777).toBe(0o600);
    const r = await bundle(home, []);
    expect(statSync(r.out).mode & 0o777).toBe(0o600);
  });
});
