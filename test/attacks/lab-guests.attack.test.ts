// The guest-side breaks, made real on a lab of real guests (network namespaces, real sshd,
// sudo and /etc/hosts): break 2, a hostile state.json name forging a name every guest resolves;
// break 3, a full disk under a guest's bind-mounted /etc/hosts; break 4, a guest whose
// /etc/hosts holds 139k empty managed blocks stalling every other guest's sync.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { loadProject } from '../../main/engine/config/load-project.js';
import { createEnvironment } from '../../main/engine/environment.js';
import { reconcileProject, type ReconcileOptions } from '../../main/engine/reconcile.js';
import { renderHostsBlock } from '../../main/engine/hosts/hosts-block.js';
import { ubuntuHostsFile } from '../../main/engine/hosts/ubuntu-hosts.js';
import { run } from '../../dev/lab/run-command.js';
import type { Scenario } from '../../main/engine/simulator/scenario.js';
import { isRoot, useLab } from '../../dev/test-support/lab-fixture.js';

const options: ReconcileOptions = { waitMs: 0, pollMs: 1000, dryRun: false, syncHosts: true, sync: { concurrency: 8, timeoutMs: 5000 } };
const HOSTILE = 'evil\n6.6.6.6 github.com';

describe.skipIf(!isRoot)('attacks on real guests', () => {
  const lab = useLab(3);
  const original = ubuntuHostsFile(os.hostname());
  const undo: Array<() => Promise<unknown>> = [];

  afterEach(async () => {
    while (undo.length > 0) await undo.pop()!().catch(() => undefined);
  });

  /** Runs a command in the mount namespace of a guest's sshd: what its SSH sessions see. */
  const inGuestMounts = (machine: string, script: string) => {
    const pid = readFileSync(path.join(lab().guest(machine).dir, 'sshd.pid'), 'utf8').trim();
    return run('nsenter', [`--mount=/proc/${pid}/ns/mnt`, 'sh', '-c', script]);
  };

  it('a hostile name in state.json forges nothing; a full disk and a 5 MB hosts file hurt only their own guests', async () => {
    const p = lab().paths;
    const [g1, g2, g3] = lab().record.guests;
    for (const g of lab().record.guests) await lab().writeHosts(g.machine, original);

    // Break 2: a VM recorded under a hostile name, running at an address on the lab's bridge.
    const prefix = lab().record.gateway.slice(0, -2);
    const stateText = readFileSync(p.state, 'utf8');
    const scenarioText = readFileSync(p.scenario, 'utf8');
    undo.push(async () => writeFileSync(p.state, stateText), async () => writeFileSync(p.scenario, scenarioText));
    const state = JSON.parse(stateText);
    state.vms[HOSTILE] = { id: '6f1c2d9e-0000-4000-8000-0000000000ee', name: 'lab-evil-a1b2c3d4', machineName: HOSTILE, diskPath: 'C:/evil.vhdx', createdAt: '2026-01-01T00:00:00.000Z', checkpoints: [] };
    writeFileSync(p.state, JSON.stringify(state, null, 2));
    const scenario = parse(scenarioText) as Scenario;
    scenario.vms!.push({ name: 'lab-evil-a1b2c3d4', id: '6f1c2d9e-0000-4000-8000-0000000000ee', state: 'Running', kvp: 'OK', adapters: [{ mac: '00155DEEEEEE', ipAddresses: [`${prefix}.250`] }] });
    writeFileSync(p.scenario, stringify(scenario));

    // Break 3: guest2's /etc/hosts on a full 8 KiB tmpfs, about 4000 bytes long, so the block
    // needs a page the disk does not have.
    const full = path.join(g2!.dir, 'full');
    mkdirSync(full, { recursive: true });
    const crowded = original + Array.from({ length: 200 }, (_, i) => `10.1.0.${i % 250} user-host-${i}.example\n`).join('').slice(0, 4000 - original.length).replace(/[^\n]*$/, '');
    await inGuestMounts(g2!.machine, `mount -t tmpfs -o size=8k tmpfs '${full}' && printf %s '${crowded}' > '${full}/hosts' && (dd if=/dev/zero of='${full}/filler' bs=4096 count=4 2>/dev/null; true) && mount --bind '${full}/hosts' /etc/hosts`);
    undo.push(() => inGuestMounts(g2!.machine, `umount /etc/hosts; umount '${full}'`));

    // Break 4: guest3's /etc/hosts holds 139k empty managed blocks (5 MB).
    await lab().writeHosts(g3!.machine, original + '# BEGIN RAGNATRAMP\n# END RAGNATRAMP\n'.repeat(139_000));

    const env = await createEnvironment({ simulate: p.scenario, knownHostsFile: path.join(lab().record.dir, 'kh-attacks.json') });
    let out;
    try {
      out = await reconcileProject(env, await loadProject(p.config), options);
    } finally {
      await env.dispose();
    }
    const byMachine = Object.fromEntries(out.result.hostsSyncResults.map((r) => [r.machineName, r]));
    const block = renderHostsBlock(lab().record.guests.map((g) => ({ ip: g.ip, name: g.machine })));

    // The hostile entry is named in a warning and written nowhere.
    expect(out.result.warnings.join('\n')).toContain('The machine name "evil\\n6.6.6.6 github.com" contains white space');
    expect(out.result.hostsBlock).toBe(block);
    expect(await lab().exec(g1!.machine, ['getent', 'hosts', 'github.com']).catch(() => 'not found')).toBe('not found');

    // guest1 synced; guest3's 139k blocks collapsed into one, within its deadline.
    expect(byMachine[g1!.machine]).toEqual({ machineName: g1!.machine, success: true, skipped: false });
    expect(byMachine[g3!.machine]).toEqual({ machineName: g3!.machine, success: true, skipped: false });
    expect(await lab().readHosts(g1!.machine)).toBe(original + block);
    expect(await lab().readHosts(g3!.machine)).toBe(original + block);
    expect((await lab().exec(g1!.machine, ['getent', 'hosts', g3!.machine])).trim().split(/\s+/)).toEqual([g3!.ip, g3!.machine]);

    // guest2 reports a full disk (not "read-only?"), and its /etc/hosts is whole.
    expect(Buffer.byteLength(crowded + block)).toBeGreaterThan(4096);
    expect(byMachine[g2!.machine]).toMatchObject({ success: false, error: expect.stringMatching(/the disk holding \/etc\/hosts is full .*No space left on device/) });
    expect(byMachine[g2!.machine]!.error).not.toMatch(/read-only/);
    expect(await inGuestMounts(g2!.machine, 'cat /etc/hosts')).toBe(crowded);
  }, 120_000);
});
