// A project named on the command line by its provider alone (--quickemu, --libvirt, --proxmox and
// no --config): the options that define it, each mistake a usage error naming the option, and a
// run over a quickemu folder with no ragnatramp.yaml, its names from the tray's settings.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './cli.js';

async function cli(args: string[], home = mkdtempSync(path.join(os.tmpdir(), 'rt-home-'))) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: { ...process.env, RAGNATRAMP_TRAY_HOME: home }, logDir: home });
  return { code, stdout, stderr };
}

describe('usage', () => {
  const cases: Array<[string[], string]> = [
    [['reconcile', '--quickemu', '/v', '--ssh-user', 'me'], '--ssh-user and --ssh-key go together'],
    [['reconcile', '--quickemu', '/v', '--pool', 'web'], 'a pool or tag applies to a Proxmox VE cluster only'],
    [['reconcile', '--quickemu', '/v', '--libvirt', 'qemu:///system'], 'a project is one provider\'s VMs: give one of --quickemu, --libvirt'],
    [['reconcile', '--config', 'x.yaml', '--quickemu', '/v', '--ssh-user', 'me', '--ssh-key', '/k'], '--pool, --tag, --ssh-user and --ssh-key define a project by its provider: give --quickemu, --libvirt or --proxmox without --config'],
    [['reconcile'], "reconcile needs --config <ragnatramp.yaml>, or a project's provider (--quickemu, --libvirt or --proxmox)"],
    [['ssh-config'], "ssh-config needs --config <ragnatramp.yaml>, or a project's provider (--quickemu, --libvirt or --proxmox)"],
  ];
  it.each(cases)('%j is a usage error', async (args, message) => {
    const r = await cli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });
});

describe('a quickemu folder as a project', () => {
  it('lists every .conf as a machine named as quickemu names it, with the names the settings give, and makes no Ragnatramp file', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rt-quickemu-'));
    const vms = path.join(dir, 'vms');
    mkdirSync(vms);
    writeFileSync(path.join(vms, 'web.conf'), 'guest_os="linux"\ndisk_img="web/disk.qcow2"\n');
    writeFileSync(path.join(vms, 'db.conf'), 'guest_os="linux"\ndisk_img="db/disk.qcow2"\n');
    const home = path.join(dir, 'tray');
    mkdirSync(home);
    writeFileSync(path.join(home, 'settings.json'), JSON.stringify({ names: { [`quickemu:${vms}`]: { domain: 'demo.internal' } } }));
    const r = await cli(['status', '--json', '--quickemu', vms, '--ssh-user', 'me', '--ssh-key', path.join(dir, 'id')], home);
    const project = (JSON.parse(r.stdout) as { projects: Array<{ project: string; configPath: string; vms: Array<{ machineName: string; vmName: string; status: string }> }> }).projects[0]!;
    expect(project).toMatchObject({ project: 'vms', configPath: `quickemu:${vms}` });
    expect(project.vms.map((v) => [v.machineName, v.vmName, v.status])).toEqual([
      ['db', 'db', 'missing'],
      ['web', 'web', 'missing'],
    ]);
    const reconcile = await cli(['reconcile', '--json', '--wait', '0', '--quickemu', vms, '--ssh-user', 'me', '--ssh-key', path.join(dir, 'id')], home);
    expect(JSON.parse(reconcile.stdout).hostsSyncResults.map((s: { machineName: string; skipReason: string }) => [s.machineName, s.skipReason])).toEqual([
      ['db', 'machine not created yet'],
      ['web', 'machine not created yet'],
    ]);
    expect(readdirSync(dir).sort()).toEqual(['tray', 'vms']);
    expect(existsSync(path.join(vms, '.ragnatramp'))).toBe(false);
  });
});
