// Issue 19, breaks 2, 3, 10 and 12: the generated OpenSSH config broke the user's ssh (a quickemu
// folder with a space split HostKeyAlias, so OpenSSH refused the whole config every Include
// reached; quotes, a trailing backslash, UNC paths and % were misread), a VM named web took over
// the user's own Host web, a read-only or dangling-link ~/.ssh/config was replaced, and one bad
// key path threw a stack trace instead of a usage error. Each is replayed against the real
// OpenSSH client (`ssh -G`, `ssh-keygen -F`), which reads the files exactly as `ssh web` would.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { makeFixture, vmId } from '../../dev/test-support/project-fixture.js';
import { runCli } from '../../main/cli/cli.js';
import { createEnvironment, type Environment } from '../../main/engine/environment.js';
import { FileHostKeyStore } from '../../main/engine/ssh/known-hosts.js';
import type { SshHostEntry } from '../../main/engine/ssh/ssh-client-config.js';
import { writeSshConfig } from '../../main/engine/ssh/write-ssh-config.js';
import { AppController } from '../../main/app/app-controller.js';
import { WorkerClient } from '../../main/worker/worker-client.js';
import { DEFAULT_SETTINGS, type Settings } from '../../contract/api.js';

const hasSsh = spawnSync('ssh', ['-V']).status === 0;
const KEY = Buffer.concat([Buffer.from([0, 0, 0, 11]), Buffer.from('ssh-ed25519'), Buffer.from([0, 0, 0, 32]), Buffer.alloc(32, 7)]);

/** What OpenSSH resolves for `host` reading `file`: its options, or its error. */
function sshG(file: string, host: string): { ok: boolean; options: Record<string, string>; stderr: string } {
  const r = spawnSync('ssh', ['-G', '-F', file, host], { encoding: 'utf8' });
  const options = Object.fromEntries(r.stdout.split('\n').filter((l) => l.includes(' ')).map((l) => [l.slice(0, l.indexOf(' ')), l.slice(l.indexOf(' ') + 1)]));
  return { ok: r.status === 0, options, stderr: r.stderr.replace(/^Pseudo-terminal will not be allocated[^\n]*\n/m, '') };
}

const entry = (machine: string, over: Partial<SshHostEntry> = {}): SshHostEntry => ({ project: 'shop', machine, host: '10.0.0.5', port: 22, user: 'ubuntu', identityFile: '/keys/id', hostKeyAlias: `vm:${machine}`, ...over });

function homes(name = 'home') {
  const root = mkdtempSync(path.join(os.tmpdir(), 'rt-sshcfg-'));
  const home = path.join(root, name);
  const userConfig = path.join(root, 'dot-ssh', 'config');
  return { root, home, userConfig, store: new FileHostKeyStore(path.join(home, 'known_hosts.json')) };
}

describe.skipIf(!hasSsh)('break 2: every value reaches OpenSSH as written, or is refused', () => {
  it('a quickemu VM whose folder has a space: OpenSSH reads the whole config, and the pinned key is found under the alias written', async () => {
    const h = homes();
    // plan.ts gives a quickemu VM the alias vm:quickemu:<its .conf path>.
    const quick = entry('web', { hostKeyAlias: 'vm:quickemu:/home/me/My VMs/web.conf' });
    await h.store.verify(quick.hostKeyAlias, '10.0.0.5', KEY);
    const files = await writeSshConfig({ home: h.home, entries: [quick, entry('db')], hostKeys: h.store, userConfig: h.userConfig });
    // The user's whole ssh goes through the Include: it must still read.
    const db = sshG(h.userConfig, 'db');
    expect(db.stderr).toBe('');
    expect(db.options.hostname).toBe('10.0.0.5');
    const web = sshG(h.userConfig, 'web');
    expect(web.ok).toBe(true);
    // The pin lookup reads the alias the way it was written: OpenSSH finds the key under it.
    expect(files.unpinned).toEqual(['db']);
    const found = execFileSync('ssh-keygen', ['-F', web.options.hostkeyalias!, '-f', files.knownHostsFile], { encoding: 'utf8' });
    expect(found).toContain(`ssh-ed25519 ${KEY.toString('base64')}`);
  });

  it('a VM reached at a host name with capitals (a passt forward on qemu+ssh://root@KVM-Box/system) is written: ssh -G lowercases host names', async () => {
    const h = homes();
    const files = await writeSshConfig({ home: h.home, entries: [entry('web', { host: 'KVM-Box', port: 2222 })], hostKeys: h.store });
    expect(files.changed).toContain(files.configFile);
    const got = sshG(files.configFile, 'web');
    expect(got.options.hostname).toBe('kvm-box');
    expect(got.options.port).toBe('2222');
  });

  it('key paths with blanks, quotes, a trailing backslash, a UNC path and % come back from ssh -G exactly', async () => {
    const paths = ['/keys/my key', '/keys/say "hi"/id', 'C:\\Users\\me\\keys\\', '\\\\srv\\share\\id_ed25519', '/keys/50%off', "/keys/it's"];
    const h = homes('tray 100% home');
    // Include reads % as itself before OpenSSH 9.9 and as a token after: the Include goes in by hand then.
    await expect(writeSshConfig({ home: h.home, entries: [], hostKeys: h.store, userConfig: h.userConfig })).rejects.toThrow(/holds "%" or "\$\{", which OpenSSH versions read differently/);
    const entries = paths.map((p, i) => entry(`m${i}`, { identityFile: p }));
    const files = await writeSshConfig({ home: h.home, entries, hostKeys: h.store });
    expect(files.refused).toEqual([]);
    for (const [i, p] of paths.entries()) {
      const got = sshG(files.configFile, `m${i}`);
      expect(got.stderr).toBe('');
      // OpenSSH 9.2 prints IdentityFile before %-expansion (%% for a %), the tray's known_hosts after it.
      expect(got.options.identityfile!.replace(/%%/g, '%')).toBe(p);
      expect(got.options.userknownhostsfile).toBe(files.knownHostsFile);
    }
  });

  it('a value no spelling can carry (a newline, ${VAR}) leaves that VM out and the others written', async () => {
    const h = homes();
    const files = await writeSshConfig({ home: h.home, entries: [entry('web', { identityFile: '/k/id\nProxyCommand touch /tmp/pwned' }), entry('api', { identityFile: '/k/${HOME}/id' }), entry('db')], hostKeys: h.store, userConfig: h.userConfig });
    expect(files.refused.map((r) => r.message)).toEqual([expect.stringMatching(/^api \(shop\) was left out.*"\$\{"/), expect.stringMatching(/^web \(shop\) was left out.*control character/)]);
    expect(sshG(h.userConfig, 'db').options.hostname).toBe('10.0.0.5');
    expect(readFileSync(files.configFile, 'utf8')).not.toMatch(/ProxyCommand|HOME/);
  });

  it('a file OpenSSH would not read as meant is never put in place; the previous one stays', async () => {
    const h = homes();
    const first = await writeSshConfig({ home: h.home, entries: [entry('web')], hostKeys: h.store });
    const before = readFileSync(first.configFile, 'utf8');
    const refused = writeSshConfig({ home: h.home, entries: [entry('web', { host: '10.0.0.9' })], hostKeys: h.store, check: async () => 'OpenSSH reads hostname for web as "x"' });
    await expect(refused).rejects.toThrow(/was not updated: the new file would not read as meant/);
    expect(readFileSync(first.configFile, 'utf8')).toBe(before);
  });
});

describe.skipIf(!hasSsh)("break 3: the user's own names stay the user's", () => {
  it('a Host web in a file the user config includes keeps ssh web; the tray writes web.shop only and says so', async () => {
    const h = homes();
    mkdirSync(path.join(path.dirname(h.userConfig), 'config.d'), { recursive: true });
    writeFileSync(h.userConfig, `Include ${path.join(path.dirname(h.userConfig), 'config.d')}/*\n`);
    writeFileSync(path.join(path.dirname(h.userConfig), 'config.d', 'work'), 'Host web\n  HostName web.corp.example\n');
    const files = await writeSshConfig({ home: h.home, entries: [entry('web'), entry('db')], hostKeys: h.store, userConfig: h.userConfig });
    expect(files.leftToUser).toEqual([{ name: 'web', instead: 'web.shop' }]);
    expect(sshG(h.userConfig, 'web').options.hostname).toBe('web.corp.example');
    expect(sshG(h.userConfig, 'web.shop').options.hostname).toBe('10.0.0.5');
    expect(sshG(h.userConfig, 'db').options.hostname).toBe('10.0.0.5');
  });

  it('short names do not follow what happens to be running: a stopped VM of another project still keeps db long', async () => {
    const h = homes();
    const machines = [{ project: 'shop', machine: 'db' }, { project: 'blog', machine: 'db' }];
    const files = await writeSshConfig({ home: h.home, entries: [entry('db')], machines, hostKeys: h.store });
    expect([...files.names.values()]).toEqual([['db.shop']]);
  });
});

describe("break 10: the user's ssh config as the user left it", () => {
  it('a read-only ~/.ssh/config is not rewritten; the message gives the lines to add by hand', async () => {
    const h = homes();
    mkdirSync(path.dirname(h.userConfig), { recursive: true });
    writeFileSync(h.userConfig, 'Host *\n  ServerAliveInterval 30\n');
    chmodSync(h.userConfig, 0o444);
    await expect(writeSshConfig({ home: h.home, entries: [entry('web')], hostKeys: h.store, userConfig: h.userConfig })).rejects.toThrow(/is read-only, so the tray leaves it as it is\nTo use 'ssh <machine>', add these lines at the top of .* yourself:\n# BEGIN RAGNATRAMP TRAY\nInclude "/);
    expect(readFileSync(h.userConfig, 'utf8')).toBe('Host *\n  ServerAliveInterval 30\n');
  });

  it('on Windows too: its read-only attribute (which libuv reports as mode 0444, src/win/fs.c:1960-1961) is the user\'s word', async () => {
    const h = homes();
    mkdirSync(path.dirname(h.userConfig), { recursive: true });
    writeFileSync(h.userConfig, 'Host *\n  ServerAliveInterval 30\n');
    chmodSync(h.userConfig, 0o444); // what stat says of a read-only file on Windows
    const platform = process.platform;
    Object.defineProperty(process, 'platform', { value: 'win32' });
    try {
      await expect(writeSshConfig({ home: h.home, entries: [entry('web')], hostKeys: h.store, userConfig: h.userConfig })).rejects.toThrow(/is read-only, so the tray leaves it as it is\nTo use 'ssh <machine>', add these lines/);
    } finally {
      Object.defineProperty(process, 'platform', { value: platform });
    }
    expect(readFileSync(h.userConfig, 'utf8')).toBe('Host *\n  ServerAliveInterval 30\n');
  });

  it('a dangling symlink stays a link, not replaced by a file', async () => {
    const h = homes();
    mkdirSync(path.dirname(h.userConfig), { recursive: true });
    symlinkSync(path.join(h.root, 'dotfiles', 'ssh_config'), h.userConfig);
    await expect(writeSshConfig({ home: h.home, entries: [entry('web')], hostKeys: h.store, userConfig: h.userConfig })).rejects.toThrow(/symbolic link to a file that does not exist/);
    expect(lstatSync(h.userConfig).isSymbolicLink()).toBe(true);
    expect(readlinkSync(h.userConfig)).toBe(path.join(h.root, 'dotfiles', 'ssh_config'));
  });
});

describe('break 12: a bad value is a usage error, never a stack trace', () => {
  const scenario = { vms: [1, 2].map((n) => ({ name: `myproject-${n === 1 ? 'web' : 'db'}-a1b2c3d4`, id: vmId(n), adapters: [{ mac: `00155DDE330${n}`, ipAddresses: [`172.18.185.16${n}`] }] })) };

  async function sshConfigCli(privateKeyOf: Record<string, string>, userConfigText?: string) {
    const f = makeFixture({ machines: ['web', 'db'], vms: [{ machine: 'web' }, { machine: 'db' }], scenario });
    writeFileSync(f.configPath, stringify({ project: { name: 'myproject' }, defaults: { base_image: 'C:/i.vhdx', ssh: { user: 'ubuntu', private_key: './id_test' } }, machines: ['web', 'db'].map((name) => ({ name, ...(privateKeyOf[name] ? { ssh: { user: 'ubuntu', private_key: privateKeyOf[name] } } : {}) })) }));
    const home = mkdtempSync(path.join(os.tmpdir(), 'rt-home-'));
    const userConfig = path.join(home, 'dot-ssh', 'config');
    if (userConfigText !== undefined) {
      mkdirSync(path.dirname(userConfig));
      writeFileSync(userConfig, userConfigText);
    }
    const env: Environment = await createEnvironment({ simulate: f.scenarioPath, knownHostsFile: f.knownHostsPath });
    let stderr = '';
    try {
      const code = await runCli(['ssh-config', '--config', f.configPath, '--write', '--user-config', userConfig], { stdout: () => undefined, stderr: (t) => (stderr += t), env: process.env, logDir: home, createEnvironment: async () => ({ ...env, dispose: async () => undefined }) });
      return { code, stderr, home, userConfig, dir: f.dir };
    } finally {
      await env.dispose();
    }
  }

  it('a key path with a newline: exit 2, one line naming the VM; the other VM is written', async () => {
    const r = await sshConfigCli({ web: '/keys/id\nProxyCommand touch /tmp/pwned' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^web \(myproject\) was left out of the OpenSSH config: the key path .* holds a control character, which an OpenSSH config cannot carry\. Change it in ragnatramp\.yaml\.$/m);
    const config = readFileSync(path.join(r.home, 'ssh', 'config'), 'utf8');
    expect(config).toContain('Host db db.myproject');
    expect(config).not.toContain('ProxyCommand');
  });

  it.skipIf(!hasSsh)('a key path with a double quote is written so that OpenSSH reads it back', async () => {
    const r = await sshConfigCli({ web: '/keys/"quoted" id' });
    expect(r.code).toBe(0);
    expect(sshG(r.userConfig, 'web').options.identityfile).toBe('/keys/"quoted" id');
  });

  it('the CLI says once that a name stayed with the user', async () => {
    const r = await sshConfigCli({}, 'Host web\n  HostName 192.0.2.1\n');
    expect(r.code).toBe(0);
    expect(r.stderr.match(/already has Host web: the tray leaves that name to you and writes web\.myproject only/g)).toHaveLength(1);
  });
});

describe('breaks 3 and 12 in the app: one bad value leaves the rest written; a name left to the user is said once', () => {
  it('web with a newline in its key path is left out, db is written, and each is said once over two passes', async () => {
    const scenario = { vms: [1, 2].map((n) => ({ name: `myproject-${n === 1 ? 'web' : 'db'}-a1b2c3d4`, id: vmId(n), adapters: [{ mac: `00155DDE330${n}`, ipAddresses: [`172.18.185.16${n}`] }] })) };
    const f = makeFixture({ machines: ['web', 'db'], vms: [{ machine: 'web' }, { machine: 'db' }], scenario });
    writeFileSync(f.configPath, stringify({ project: { name: 'myproject' }, defaults: { base_image: 'C:/i.vhdx', ssh: { user: 'ubuntu', private_key: './id_test' } }, machines: [{ name: 'web', ssh: { user: 'ubuntu', private_key: '/k/id\nProxyCommand touch /tmp/pwned' } }, { name: 'db' }] }));
    const home = mkdtempSync(path.join(os.tmpdir(), 'rt-home-'));
    const userConfig = path.join(home, 'dot-ssh', 'config');
    mkdirSync(path.dirname(userConfig));
    writeFileSync(userConfig, 'Host db\n  HostName 192.0.2.7\n');
    let settings: Settings = { ...DEFAULT_SETTINGS, projects: [f.configPath], sshConfig: true };
    const worker = new WorkerClient({ simulate: f.scenarioPath, knownHostsFile: f.knownHostsPath });
    const controller = new AppController({ get: () => settings, set: (v) => (settings = v), warning: null }, worker, { kind: 'browser' }, { simulated: false, home, userSshConfig: userConfig });
    try {
      await controller.api.reconcileNow(null);
      await controller.api.reconcileNow(null);
      const config = readFileSync(path.join(home, 'ssh', 'config'), 'utf8');
      expect(config).toContain('Host db.myproject\n  HostName 172.18.185.162\n');
      expect(config).not.toContain('ProxyCommand');
      const notices = controller.snapshot().notices.join('\n');
      expect(notices.match(/web \(myproject\) was left out of the OpenSSH config: the key path .* holds a control character/g)).toHaveLength(1);
      expect(notices.match(/already has Host db: the tray leaves that name to you and writes db\.myproject only/g)).toHaveLength(1);
    } finally {
      controller.stop();
      await worker.dispose();
    }
  }, 30_000);
});
