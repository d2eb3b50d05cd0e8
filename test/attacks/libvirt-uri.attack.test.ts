// Break 1 of issue 19: a libvirt URI is a command line. `qemu+ext:///…?command=PROG` ran PROG,
// `qemu+ssh://…?command=/bin/sh&keyfile=FILE` ran FILE as a script, and netcat=, proxy=, socket=
// reach the remote shell; saved through setProjectProvider (or the settings file the CLI reads
// too) they ran at every pass. Now only the transports and parameters the tray supports get in,
// wherever a URI enters (the API, the settings file, the CLI, the provider itself), and the real
// virsh is never started on any other.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AppController } from '../../main/app/app-controller.js';
import type { SettingsStore } from '../../main/app/settings.js';
import { DEFAULT_SETTINGS, type Settings } from '../../contract/api.js';
import { settingsProvider } from '../../main/cli/tray-settings.js';
import { makeFixture } from '../../dev/test-support/project-fixture.js';
import { LibvirtProvider } from '../../main/engine/providers/libvirt/libvirt-provider.js';
import { providerArgs } from '../../main/engine/providers/provider-args.js';
import { WorkerClient } from '../../main/worker/worker-client.js';

const hasVirsh = (() => {
  try {
    execFileSync('virsh', ['--version']);
    return true;
  } catch {
    return false;
  }
})();

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A script that leaves a mark when anything runs it (no exec bit: `sh FILE` runs it anyway). */
function trap() {
  const dir = mkdtempSync(path.join(tmpdir(), 'rt-uri-'));
  dirs.push(dir);
  const mark = path.join(dir, 'ran');
  const script = path.join(dir, 'pwn');
  writeFileSync(script, `#!/bin/sh\ntouch '${mark}'\n`, { mode: 0o755 });
  const noExec = path.join(dir, 'pwn-noexec');
  writeFileSync(noExec, `touch '${mark}'\n`, { mode: 0o644 });
  return { mark, script, noExec };
}

const hostile = (t: ReturnType<typeof trap>) => [
  `qemu+ext:///system?command=${t.script}`,
  `qemu+ssh://host/system?command=/bin/sh&keyfile=${t.noExec}`,
  `qemu+ssh://host/system?%63ommand=${t.script}`,
  `qemu+ssh://host/system?COMMAND=${t.script}`,
  `qemu+ssh://host/system?no_tty=1;command=${t.script}`,
];

describe('a libvirt URI that names a program', () => {
  it.skipIf(!hasVirsh && !process.env.CI)('never gets to the real virsh: the provider refuses it, and nothing runs', async () => {
    const t = trap();
    for (const uri of hostile(t)) {
      const attempt = (async () => new LibvirtProvider(uri).observe([{ project: 'p', machineName: 'web', vmName: 'p-web-1', vmId: null }], new Date().toISOString()))();
      await expect(attempt, uri).rejects.toThrow(/the tray (refuses the URI parameter 'command'|does not use libvirt's 'qemu\+ext')/);
      expect(existsSync(t.mark), `${uri} ran the program it names`).toBe(false);
    }
  });

  it('is refused on the command line, in the settings file, and through setProjectProvider, saying why', async () => {
    const t = trap();
    for (const uri of hostile(t)) expect(() => providerArgs({ libvirt: uri }), uri).toThrow(/names the program libvirt runs|'ext' runs the program/);

    // The settings file, as the CLI reads it (the app's worker checks the same way at each pass).
    const project = makeFixture({ machines: ['web'] });
    dirs.push(project.dir);
    const home = mkdtempSync(path.join(tmpdir(), 'rt-uri-home-'));
    dirs.push(home);
    writeFileSync(path.join(home, 'settings.json'), JSON.stringify({ projects: [project.configPath], providers: { [project.configPath]: { provider: 'libvirt', option: `qemu+ext:///system?command=${t.script}` } } }));
    await expect(settingsProvider(home, [project.configPath])).rejects.toThrow(/does not check out .*'ext' runs the program the URI names/);

    // The API (a page holding the browser host's token, or a compromised renderer).
    let value: Settings = { ...DEFAULT_SETTINGS, projects: [project.configPath] };
    const store: SettingsStore = { get: () => value, set: (v) => (value = v), warning: null };
    const worker = new WorkerClient({ knownHostsFile: project.knownHostsPath });
    const controller = new AppController(store, worker, { kind: 'browser' }, { simulated: true });
    try {
      for (const uri of hostile(t)) await expect(controller.api.setProjectProvider(project.configPath, { provider: 'libvirt', option: uri }), uri).rejects.toThrow(/refuses|does not use/);
      expect(value.providers).toEqual({});
    } finally {
      controller.stop();
      await worker.dispose();
    }
    expect(existsSync(t.mark)).toBe(false);
  });

  it('every other parameter that runs something, weakens the host key check or reaches the far end is refused', () => {
    const refused: Array<[string, RegExp]> = [
      ['qemu+ssh://host/system?netcat=/tmp/nc', /'netcat'.*names a program libvirt runs on the remote host/],
      ['qemu+ssh://host/system?proxy=netcat', /'proxy'.*chooses the program/],
      ["qemu+ssh://host/system?socket=/run/x;touch%20/tmp/y", /'socket'.*unquoted into the shell command/],
      ['qemu+ssh://host/system?no_verify=1', /'no_verify'.*host key check/],
      ['qemu+ssh://host/system?name=qemu%2Bext:///x', /'name'.*another URI/],
      ['qemu+ssh://host/system?whatever=1', /'whatever'.*passes unknown parameters on/],
      ['qemu+tls://host/system?keyfile=/k', /'keyfile'.*does not apply to qemu\+tls/],
      ['qemu+EXT:///system?command=/bin/true', /does not use libvirt's 'qemu\+ext'/],
      ['qemu+libssh2://host/system', /does not use libvirt's 'qemu\+libssh2'/],
      ['xen:///system', /does not use libvirt's 'xen'/],
      ['qemu+ssh://-oProxyCommand=x/system', /unusual user or host part/],
      ['qemu+ssh:///system', /names no host/],
      ['qemu:///system#frag', /needs a libvirt URI/],
      ['qemu+ssh://host/system?keyfile=%ZZ', /badly escaped/],
      ['qemu+ssh://host/system?no_tty=yes', /'no_tty' needs 0 or 1/],
    ];
    for (const [uri, why] of refused) expect(() => providerArgs({ libvirt: uri }), uri).toThrow(why);
  });

  it('what the tray supports still gets in', () => {
    for (const uri of [
      'qemu:///system',
      'qemu:///session',
      'test:///default',
      'qemu+ssh://admin@vmhost.example/system',
      'qemu+ssh://admin@[fd00::5]:2222/system?keyfile=/home/me/.ssh/id_ed25519&no_tty=1&mode=legacy',
      'qemu+unix:///system?socket=/run/libvirt/libvirt-sock',
      'qemu+tls://vmhost/system?pkipath=/etc/pki/libvirt&tls_priority=NORMAL',
    ]) {
      expect(providerArgs({ libvirt: uri }), uri).toEqual({ libvirt: uri });
    }
  });
});
