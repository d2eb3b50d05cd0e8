// Reconcile end to end against real guests, through both providers: the Linux provider (DHCP
// leases, kernel neighbour table) and the Hyper-V code path driven by a simulated hypervisor
// whose VMs carry the guests' real MACs and IPs. Real SSH, real sudo, real /etc/hosts.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { sshProbe } from '../../main/engine/discovery/port-probe.js';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { isRoot, useLab } from '../test-support/lab-fixture.js';
import { loadProject } from '../../main/engine/config/load-project.js';
import { createEnvironment } from '../../main/engine/environment.js';
import { fixGuestKvp, inspectGuests } from '../../main/engine/guest-actions.js';
import { inspectProjects } from '../../main/engine/inspect.js';
import { reconcileProject, type ReconcileOptions } from '../../main/engine/reconcile.js';
import { resolveRegisteredName } from '../../main/engine/discovery/dns-name.js';
import { LinuxProvider } from '../../main/engine/providers/linux/linux-provider.js';
import type { GuestDiagnostic } from '../../main/engine/diagnostics/guest-checks.js';
import { ubuntuHostsFile } from '../../main/engine/hosts/ubuntu-hosts.js';
import os from 'node:os';

const options: ReconcileOptions = { waitMs: 0, pollMs: 1000, dryRun: false, syncHosts: true, sync: { concurrency: 8, timeoutMs: 10_000 } };

describe.skipIf(!isRoot)('reconcile against a lab of real guests', () => {
  const lab = useLab(3);
  const original = ubuntuHostsFile(os.hostname());
  const extra = '10.99.0.7 my-own-entry   # keep me\n';

  beforeEach(async () => {
    for (const g of lab().record.guests) await lab().writeHosts(g.machine, original + extra);
  });

  const block = () =>
    `# BEGIN RAGNATRAMP\n# Managed by ragnatramp - do not edit this block\n${lab()
      .record.guests.map((g) => `${g.ip} ${g.machine}`)
      .join('\n')}\n# END RAGNATRAMP\n`;

  for (const via of ['linux', 'hyperv-simulator'] as const) {
    it("seed 003's DNS tier: the DHCP server's DNS answers the name each guest registered", async () => {
    const r = lab().record;
    const server = `${r.gateway}:${r.dnsPort}`;
    expect(await resolveRegisteredName('guest1', server)).toBe(lab().guest('guest1').ip);
    expect(await resolveRegisteredName('nobody', server)).toBeNull();
    // A VM with no lease file and a MAC no neighbour entry knows: only its DNS name can tell.
    const g = lab().guest('guest2');
    const provider = new LinuxProvider({ version: 1, vms: [{ name: 'p-dns-1', mac: '02:00:00:00:00:99', netns: g.netns, hostname: 'guest2' }], dnsServer: server });
    const [o] = await provider.observe([{ project: 'p', machineName: 'dns', vmName: 'p-dns-1', vmId: null }], new Date().toISOString());
    expect(o).toMatchObject({ tier: 'dns', network: { ipv4: g.ip, source: 'dns' } });
  });

  it('guests that share /etc/machine-id (clones of one image) are called clones, with the fix', async () => {
    const p = lab().paths;
    const env = await createEnvironment({ manifest: p.manifest, knownHostsFile: path.join(lab().record.dir, 'kh-clones.json') });
    const original = await lab().machineId('guest3');
    try {
      await lab().setMachineId('guest3', await lab().machineId('guest1'));
      const inspection = await inspectProjects(env, [await loadProject(p.config)], { waitMs: 0, pollMs: 1000 });
      const guests = await inspectGuests(env, inspection.plan.projects[0]!, { concurrency: 4, timeoutMs: 10_000 });
      expect((guests.get('guest1') as GuestDiagnostic).warnings).toContain('Cloned image: guest1 shares /etc/machine-id with guest3, so DHCP gives them one address (now or at the next lease). In the clone, run: sudo rm /etc/machine-id && sudo systemd-machine-id-setup, then renew its lease (reboot it, or sudo networkctl renew <interface>).');
      expect((guests.get('guest3') as GuestDiagnostic).warnings.some((w) => w.startsWith('Cloned image: guest3 shares /etc/machine-id with guest1'))).toBe(true);
      expect((guests.get('guest2') as GuestDiagnostic).warnings.join('\n')).not.toContain('Cloned image');
    } finally {
      await lab().setMachineId('guest3', original);
      await env.dispose();
    }
  });

  it(`via ${via}: writes the block into every guest, keeps the rest, then changes no byte`, async () => {
      const p = lab().paths;
      const env = await createEnvironment(via === 'linux' ? { manifest: p.manifest, knownHostsFile: path.join(lab().record.dir, `kh-${via}.json`) } : { simulate: p.scenario, knownHostsFile: path.join(lab().record.dir, `kh-${via}.json`) });
      try {
        const first = await reconcileProject(env, await loadProject(p.config), options);
        expect(first.result.success).toBe(true);
        expect(first.result.discoveries.map((d) => d.tier)).toEqual(via === 'linux' ? ['lease', 'lease', 'lease'] : ['kvp', 'kvp', 'kvp']);
        expect(first.sync.map((s) => s.changed)).toEqual([true, true, true]);
        for (const g of lab().record.guests) {
          expect(await lab().readHosts(g.machine)).toBe(original + extra + block());
          expect(await lab().readBackup(g.machine)).toBe(original + extra);
        }
        const stamps = lab().record.guests.map((g) => statSync(lab().hostsPath(g.machine)).mtimeMs);
        const state = readFileSync(p.state);

        const second = await reconcileProject(env, await loadProject(p.config), options);
        expect(second.result.success).toBe(true);
        expect(second.sync.map((s) => s.changed)).toEqual([false, false, false]);
        expect(second.stateWritten).toBe(false);
        expect(readFileSync(p.state)).toEqual(state);
        expect(lab().record.guests.map((g) => statSync(lab().hostsPath(g.machine)).mtimeMs)).toEqual(stamps);

        // The guests now resolve each other by machine name.
        const [a, b, c] = lab().record.guests;
        expect((await lab().exec(a!.machine, ['getent', 'hosts', b!.machine])).trim().split(/\s+/)).toEqual([b!.ip, b!.machine]);
        expect((await lab().exec(c!.machine, ['getent', 'hosts', a!.machine])).trim().split(/\s+/)).toEqual([a!.ip, a!.machine]);
      } finally {
        await env.dispose();
      }
    });
  }

  it('follows a DHCP renumbering: previousIpv4 recorded, every guest updated', async () => {
    const p = lab().paths;
    const env = await createEnvironment({ manifest: p.manifest, knownHostsFile: path.join(lab().record.dir, 'kh-dhcp.json') });
    try {
      await reconcileProject(env, await loadProject(p.config), options);
      const old = lab().guest('guest2').ip;
      const fresh = await lab().changeIp('guest2');
      expect(fresh).not.toBe(old);
      const again = await reconcileProject(env, await loadProject(p.config), options);
      expect(again.result.success).toBe(true);
      expect(again.result.diffs).toContainEqual({ machineName: 'guest2', field: 'network.ipv4', oldValue: old, newValue: fresh });
      expect(JSON.parse(readFileSync(p.state, 'utf8')).vms.guest2.network).toMatchObject({ ipv4: fresh, previousIpv4: old, source: 'lease' });
      for (const g of lab().record.guests) expect(await lab().readHosts(g.machine)).toContain(`${fresh} guest2\n`);
      expect((await lab().exec('guest1', ['getent', 'hosts', 'guest2'])).trim().split(/\s+/)).toEqual([fresh, 'guest2']);
    } finally {
      await env.dispose();
    }
  });

  it('falls back to the kernel neighbour table when no lease file knows the guest', async () => {
    const p = lab().paths;
    const manifest = JSON.parse(readFileSync(p.manifest, 'utf8'));
    delete manifest.leaseFiles;
    const noLeases = path.join(lab().record.dir, 'manifest-no-leases.json');
    writeFileSync(noLeases, JSON.stringify(manifest));
    // Traffic is what teaches the host's neighbour table: connect to each guest as the port probe does.
    for (const g of lab().record.guests) await sshProbe()(g.ip, 22);
    const env = await createEnvironment({ manifest: noLeases, knownHostsFile: path.join(lab().record.dir, 'kh-arp.json') });
    try {
      const out = await reconcileProject(env, await loadProject(p.config), { ...options, syncHosts: false });
      expect(out.result.discoveries.map((d) => [d.tier, d.network?.ipv4])).toEqual(lab().record.guests.map((g) => ['arp', g.ip]));
    } finally {
      await env.dispose();
    }
  });
});

describe.skipIf(!isRoot)('guest-side diagnostics against real guests', () => {
  const lab = useLab(2);

  it('reports the KVP daemon, its package, sudo, cloud-init and the block; fix kvp --dry-run prints the commands', async () => {
    const p = lab().paths;
    // The KVP daemon matters to Hyper-V only: the Hyper-V code path, on the lab's real guests.
    const env = await createEnvironment({ simulate: p.scenario, knownHostsFile: path.join(lab().record.dir, 'kh-diag.json') });
    try {
      await lab().setSudo('guest2', 'password');
      const project = await loadProject(p.config);
      const inspection = await inspectProjects(env, [project], { waitMs: 0, pollMs: 1000 });
      const guests = await inspectGuests(env, inspection.plan.projects[0]!, { concurrency: 4, timeoutMs: 10_000 });
      const osName = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'))![1];
      const g1 = guests.get('guest1') as GuestDiagnostic;
      expect(g1).toMatchObject({
        os: osName,
        kernel: os.release(),
        kvpDaemon: { installed: false, running: false, package: 'hyperv-daemons' },
        sudo: true,
        cloudInitManagesHosts: false,
        hostsBlock: 'missing',
      });
      expect((guests.get('guest2') as GuestDiagnostic).sudo).toBe(false);
      const dry = await fixGuestKvp(env, inspection.plan.projects[0]!, 'guest1', { dryRun: true, timeoutMs: 10_000 });
      expect(dry).toMatchObject({ dryRun: true, steps: [], success: true, commands: ['sudo -n env DEBIAN_FRONTEND=noninteractive apt-get update', 'sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y hyperv-daemons', 'sudo -n modprobe -r hv_utils', 'sudo -n modprobe hv_utils', 'sudo -n systemctl restart hyperv-daemons.hv-kvp-daemon.service'] });

      // Every lab guest has its own machine-id, read over SSH; none is called a clone.
      expect(g1.machineId).toBe(await lab().machineId('guest1'));
      expect([...guests.values()].flatMap((g) => ('warnings' in g ? g.warnings : [])).join('\n')).not.toContain('Cloned image');

      await reconcileProject(env, project, options);
      const after = await inspectGuests(env, (await inspectProjects(env, [await loadProject(p.config)], { waitMs: 0, pollMs: 1000 })).plan.projects[0]!, { concurrency: 4, timeoutMs: 10_000 });
      expect((after.get('guest1') as GuestDiagnostic).hostsBlock).toBe('current');
    } finally {
      await lab().setSudo('guest2', 'nopasswd');
      await env.dispose();
    }
  });
});

describe.skipIf(!isRoot)('watching a Linux host for changes', () => {
  const lab = useLab(2);

  it('hints on a DHCP renumbering at once, and not on routine neighbour churn', async () => {
    const { LinuxProvider } = await import('../../main/engine/providers/linux/linux-provider.js');
    const { loadManifest } = await import('../../main/engine/providers/linux/manifest.js');
    const provider = new LinuxProvider(await loadManifest(lab().paths.manifest));
    const project = await loadProject(lab().paths.config);
    await provider.observe(project.vms, new Date().toISOString());
    let hints = 0;
    const stop = provider.watch(() => hints++);
    try {
      // Routine traffic to a known guest: state changes, no new address.
      for (let i = 0; i < 3; i++) await sshProbe()(lab().guest('guest1').ip, 22);
      await new Promise((r) => setTimeout(r, 300));
      const quiet = hints;
      let renewedAt = 0;
      await lab().changeIp('guest2', () => (renewedAt = Date.now()));
      expect(hints).toBeGreaterThan(quiet);
      expect(quiet).toBe(0);
      expect(renewedAt).toBeGreaterThan(0);
    } finally {
      stop();
    }
  });
});
