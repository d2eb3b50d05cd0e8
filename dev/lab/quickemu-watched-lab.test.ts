// A quickemu folder watched as a project of its own, with no ragnatramp.yaml anywhere: the app
// (its controller and the real engine worker) is given the folder, an SSH login, a domain and
// aliases in its settings; every VM in the folder is a machine named as quickemu names it (its
// .conf's name), the addresses go to the tray's own state file, and real QEMU guests (quickemu's
// layout and arguments, lab-qemu.ts) get a hosts block by which they resolve each other by
// name, by alias and under the domain. A .conf whose name cannot be a host name is shown with
// why. The VMs boot once for the file.
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppController } from '../../main/app/app-controller.js';
import { DEFAULT_SETTINGS, type Settings } from '../../contract/api.js';
import { WorkerClient } from '../../main/worker/worker-client.js';
import { isRoot, traversableTempDir, useLab } from '../test-support/lab-fixture.js';
import { quickemuPaths } from './lab.js';

function ssh(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('ssh', args, { timeout: 30_000 }, (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });
}

/** Every file named ragnatramp.yaml or folder named .ragnatramp under `dir`. */
function ragnatrampFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => /(^|\/)(ragnatramp\.yaml|\.ragnatramp)$/.test(f)).map((f) => path.join(dir, f));
}

describe.skipIf(!isRoot)('a quickemu folder watched with no ragnatramp.yaml', () => {
  const lab = useLab(2, { kind: 'qemu' });

  it("is watched and synced end to end: the guests resolve each other by their VM names, their aliases and the domain; addresses go to the tray's own state file", async () => {
    const p = lab().paths;
    // The lab writes a Ragnatramp project for its other tests: gone before the tray looks.
    rmSync(p.config);
    rmSync(path.dirname(p.state), { recursive: true });
    const home = path.join(traversableTempDir(), 'tray');
    const [g1, g2] = lab().record.guests;
    // A VM quickemu would name Bad_Name: its name cannot be a host name (an underscore).
    copyFileSync(quickemuPaths(lab().record, g2!).conf, path.join(p.quickemu, 'Bad_Name.conf'));
    const worker = new WorkerClient({ knownHostsFile: path.join(home, 'known_hosts.json'), logDir: home });
    let settings: Settings = { ...DEFAULT_SETTINGS };
    const controller = new AppController({ get: () => settings, set: (v) => (settings = v), warning: null }, worker, { kind: 'browser' }, { simulated: false, home });
    const guestSsh = (ip: string, command: string) => ssh(['-i', p.key, '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', `root@${ip}`, command]);
    try {
      await controller.api.saveWatchedProject({ provider: 'quickemu', option: p.quickemu, ssh: { user: 'root', privateKey: p.key } });
      const key = `quickemu:${p.quickemu}`;
      expect(settings.projects).toEqual([key]);
      await controller.api.setProjectNames(key, { domain: 'demo.internal', aliases: { [g1!.vmName]: ['web'], [g2!.vmName]: ['db', 'db-primary'] } });
      const summary = await controller.api.reconcileNow(null);
      expect(summary).toMatchObject({ hypervisorError: null, synced: 2, failed: 0 });

      const view = controller.snapshot().projects[0]!;
      expect(view).toMatchObject({ configPath: key, name: 'vms', error: null });
      expect(view.vms.map((v) => [v.machineName, v.status, v.ipv4])).toEqual([
        ['Bad_Name', 'stopped', null],
        [g1!.vmName, 'running', g1!.ip],
        [g2!.vmName, 'running', g2!.ip],
      ]);
      expect(view.vms[0]!.warnings.map((w) => w.text).join('\n')).toContain('The VM name "Bad_Name" may contain only letters, digits and inner hyphens in each dot-separated label; it is left out of the hosts block. Rename that VM in its hypervisor');

      const block = `# BEGIN RAGNATRAMP\n# Managed by ragnatramp - do not edit this block\n${g1!.ip} ${g1!.vmName} ${g1!.vmName}.demo.internal web\n${g2!.ip} ${g2!.vmName} ${g2!.vmName}.demo.internal db db-primary\n# END RAGNATRAMP\n`;
      for (const g of [g1!, g2!]) expect((await guestSsh(g.ip, 'cat /etc/hosts')).stdout).toContain(block);
      for (const name of [g2!.vmName, `${g2!.vmName}.demo.internal`, 'db', 'db-primary']) expect(await guestSsh(g1!.ip, `ping -c 1 -W 5 ${name}`), name).toMatchObject({ code: 0 });
      expect(await guestSsh(g2!.ip, 'ping -c 1 -W 5 web')).toMatchObject({ code: 0 });

      // The tray's own state file, in its folder; no Ragnatramp file was made anywhere.
      const stateDir = path.join(home, 'projects');
      const [folder] = readdirSync(stateDir);
      const state = JSON.parse(readFileSync(path.join(stateDir, folder!, 'state.json'), 'utf8')) as { project: string; configPath: string; vms: Record<string, { id: string; network?: { ipv4: string | null } }> };
      expect(state).toMatchObject({ version: 1, project: 'vms', configPath: key });
      expect(state.vms[g1!.vmName]).toMatchObject({ id: `quickemu:${path.join(p.quickemu, `${g1!.vmName}.conf`)}`, network: { ipv4: g1!.ip } });
      expect(state.vms[g2!.vmName]!.network?.ipv4).toBe(g2!.ip);
      expect(statSync(path.join(stateDir, folder!, 'state.json')).isFile()).toBe(true);
      expect([...ragnatrampFiles(lab().record.dir), ...ragnatrampFiles(home)]).toEqual([]);

      // A second pass with nothing changed rewrites neither the state file nor a guest's hosts.
      const before = statSync(path.join(stateDir, folder!, 'state.json')).mtimeMs;
      expect(await controller.api.reconcileNow(null)).toMatchObject({ failed: 0 });
      expect(statSync(path.join(stateDir, folder!, 'state.json')).mtimeMs).toBe(before);
    } finally {
      controller.stop();
      await worker.dispose();
    }
  }, 240_000);
});
