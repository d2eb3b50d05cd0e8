// Faults, each made real in one guest of a lab; every other guest must still be synced.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ssh2 from 'ssh2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { isRoot, useLab } from '../test-support/lab-fixture.js';
import { loadProject } from '../../main/engine/config/load-project.js';
import { createEnvironment } from '../../main/engine/environment.js';
import { reconcileProject, type ReconcileOptions } from '../../main/engine/reconcile.js';
import { ubuntuHostsFile } from '../../main/engine/hosts/ubuntu-hosts.js';
import { buildWriteCommand } from '../../main/engine/ssh/remote-hosts-write.js';
import type { Scenario } from '../../main/engine/simulator/scenario.js';
import { run } from './run-command.js';

const options: ReconcileOptions = { waitMs: 0, pollMs: 1000, dryRun: false, syncHosts: true, sync: { concurrency: 8, timeoutMs: 3000 } };

describe.skipIf(!isRoot)('faults against real guests', () => {
  const lab = useLab(3);
  const original = ubuntuHostsFile(os.hostname());
  let pins = '';
  let configText = '';
  let scenarioText = '';

  beforeEach(async () => {
    for (const g of lab().record.guests) await lab().writeHosts(g.machine, original);
    pins = path.join(lab().record.dir, `pins-${Date.now()}.json`);
    configText ||= readFileSync(lab().paths.config, 'utf8');
    scenarioText ||= readFileSync(lab().paths.scenario, 'utf8');
  });

  afterEach(async () => {
    await lab().thawSshd('guest2').catch(() => undefined);
    await lab().setHostsReadOnly('guest2', false).catch(() => undefined);
    await lab().setSudo('guest2', 'nopasswd');
    await lab().startSshd('guest2').catch(() => undefined); // already running: sshd refuses the port, fine
    writeFileSync(lab().paths.config, configText);
    writeFileSync(lab().paths.scenario, scenarioText);
  });

  async function reconcile(via: 'linux' | 'hyperv' = 'linux', extra: Partial<ReconcileOptions> = {}) {
    const p = lab().paths;
    const env = await createEnvironment(via === 'linux' ? { manifest: p.manifest, knownHostsFile: pins } : { simulate: p.scenario, knownHostsFile: pins });
    try {
      return await reconcileProject(env, await loadProject(p.config), { ...options, ...extra });
    } finally {
      await env.dispose();
    }
  }

  const result = (out: Awaited<ReturnType<typeof reconcile>>, machine: string) => out.result.hostsSyncResults.find((r) => r.machineName === machine)!;

  async function othersSynced(out: Awaited<ReturnType<typeof reconcile>>) {
    for (const m of ['guest1', 'guest3']) {
      expect(result(out, m)).toEqual({ machineName: m, success: true, skipped: false });
      expect(await lab().readHosts(m)).toContain('# BEGIN RAGNATRAMP');
    }
  }

  it("a guest's sshd stopped: that guest is skipped as booting, the others are synced", async () => {
    await lab().stopSshd('guest2');
    const out = await reconcile();
    expect(out.plan.vms.find((v) => v.machineName === 'guest2')!.status).toBe('booting');
    expect(result(out, 'guest2')).toMatchObject({ skipped: true, skipReason: expect.stringMatching(/SSH port 22 at .* has no SSH server answering yet/) });
    await othersSynced(out);
    expect(await lab().readHosts('guest2')).toBe(original);
  });

  it('a wrong key: refused by the guest, with the fix', async () => {
    const wrong = path.join(lab().record.dir, 'wrong_key');
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', wrong]).catch(() => undefined);
    const config = parse(configText);
    config.machines[1].ssh = { user: lab().record.user, private_key: wrong };
    writeFileSync(lab().paths.config, stringify(config));
    const out = await reconcile();
    expect(result(out, 'guest2')).toMatchObject({ success: false, error: expect.stringMatching(/the guest refused key .*wrong_key for user/) });
    await othersSynced(out);
    expect(await lab().readHosts('guest2')).toBe(original);
  });

  it('sudo that wants a password: an error at once, never a hang', async () => {
    await lab().setSudo('guest2', 'password');
    const started = Date.now();
    const out = await reconcile();
    expect(Date.now() - started).toBeLessThan(options.sync.timeoutMs);
    expect(result(out, 'guest2')).toMatchObject({ success: false, error: expect.stringMatching(/sudo asks user '.*' for a password/) });
    await othersSynced(out);
    expect(await lab().readHosts('guest2')).toBe(original);
  });

  it('a read-only /etc/hosts: reported, left as it was', async () => {
    await lab().setHostsReadOnly('guest2', true);
    const out = await reconcile();
    expect(result(out, 'guest2')).toMatchObject({ success: false, error: expect.stringMatching(/could not write \/etc\/hosts.*[Rr]ead-only/) });
    await othersSynced(out);
    expect(await lab().readHosts('guest2')).toBe(original);
    expect(readdirSync('/etc').filter((f) => f.startsWith('.ragnatramp-hosts'))).toEqual([]);
  });

  // The kernel still accepts on a stopped sshd's socket, but no identification line comes: the
  // probe (port-probe.ts) gives up after its banner deadline, so the pass never opens a session
  // there. A guest that hangs mid-session is cut off by the per-VM timeout (guest-deadlines.attack.test.ts).
  it('a hung guest (sshd stopped with SIGSTOP) is skipped as not answering SSH, and holds nothing up', async () => {
    await lab().freezeSshd('guest2');
    const out = await reconcile();
    expect(result(out, 'guest2')).toMatchObject({ skipped: true, skipReason: expect.stringMatching(/SSH port 22 at .* has no SSH server answering yet \(the guest is booting or hung/) });
    await othersSynced(out);
    expect(await lab().readHosts('guest2')).toBe(original);
  });

  it('two guests with the same IP: both skipped with the duplicate warning', async () => {
    const scenario = parse(scenarioText) as Scenario;
    scenario.vms![1]!.adapters![0]!.ipAddresses = [lab().guest('guest1').ip];
    writeFileSync(lab().paths.scenario, stringify(scenario));
    const out = await reconcile('hyperv');
    const ip = lab().guest('guest1').ip;
    expect(result(out, 'guest1')).toMatchObject({ skipped: true, skipReason: `duplicate IPv4 ${ip} (shared with guest2)` });
    expect(result(out, 'guest2')).toMatchObject({ skipped: true, skipReason: `duplicate IPv4 ${ip} (shared with guest1)` });
    expect(out.result.warnings.some((w) => w.startsWith(`guest1: Duplicate IPv4 ${ip}: guest2 reports it too`))).toBe(true);
    expect(result(out, 'guest3')).toEqual({ machineName: 'guest3', success: true, skipped: false });
    expect(await lab().readHosts('guest3')).toBe(`${original}# BEGIN RAGNATRAMP\n# Managed by ragnatramp - do not edit this block\n${lab().guest('guest3').ip} guest3\n# END RAGNATRAMP\n`);
    expect(await lab().readHosts('guest1')).toBe(original);
  });

  it('a changed host key refuses that guest until accepted', async () => {
    expect((await reconcile()).result.success).toBe(true);
    await lab().replaceHostKey('guest2');
    const refused = await reconcile();
    expect(result(refused, 'guest2')).toMatchObject({ success: false, error: expect.stringMatching(/SSH host key of 'guest2' changed.*--accept-host-key guest2/) });
    expect(result(refused, 'guest1').success).toBe(true);
    const accepted = await reconcile('linux', { acceptHostKeys: { [lab().paths.config]: ['guest2'] } });
    expect(result(accepted, 'guest2')).toEqual({ machineName: 'guest2', success: true, skipped: false });
  });

  // The write of /etc/hosts must survive the connection dying at any moment: before the content
  // is all there (nothing changes), or after (the write completes). Never empty, never partial.
  it('a connection killed at the worst moments never leaves an empty or partial /etc/hosts', async () => {
    const g = lab().guest('guest1');
    const oldContent = Buffer.from(original);
    const newContent = Buffer.from(`${original}# BEGIN RAGNATRAMP\n${'10.1.2.3 filler-entry-to-make-it-longer\n'.repeat(400)}# END RAGNATRAMP\n`);
    const cuts: Array<{ name: string; bytes: number; end: boolean; delayMs: number }> = [
      { name: 'before any byte', bytes: 0, end: false, delayMs: 0 },
      { name: 'half way through', bytes: Math.floor(newContent.length / 2), end: false, delayMs: 0 },
      { name: 'all bytes, no end of input', bytes: newContent.length, end: false, delayMs: 0 },
      { name: 'right after the end of input', bytes: newContent.length, end: true, delayMs: 0 },
      { name: 'during the rename or in-place write', bytes: newContent.length, end: true, delayMs: 15 },
    ];
    for (const cut of cuts) {
      for (let round = 0; round < 2; round++) {
        await lab().writeHosts(g.machine, original);
        await killMidWrite(g.ip, lab().record.user, lab().paths.key, buildWriteCommand(oldContent, newContent), newContent.subarray(0, cut.bytes), cut.end, cut.delayMs);
        const settled = await settledContent(lab().hostsPath(g.machine));
        expect([original, newContent.toString()], `${cut.name}: /etc/hosts is neither the old nor the new file`).toContain(settled);
        // Content that did not arrive whole must never be applied; whole content may be.
        if (cut.bytes < newContent.length) expect(settled, cut.name).toBe(original);
      }
    }
    expect(readdirSync('/etc').filter((f) => f.startsWith('.ragnatramp-hosts'))).toEqual([]);
  });
});

async function killMidWrite(host: string, user: string, keyPath: string, command: string, stdin: Buffer, end: boolean, delayMs: number): Promise<void> {
  const client = new ssh2.Client();
  await new Promise<void>((resolve, reject) => {
    client.on('ready', () => resolve()).on('error', reject);
    client.connect({ host, port: 22, username: user, privateKey: readFileSync(keyPath), hostVerifier: () => true }); // a test client: it only kills connections
  });
  await new Promise<void>((resolve, reject) => {
    client.exec(command, (err, stream) => {
      if (err) return reject(err);
      stream.on('data', () => undefined);
      stream.stderr.on('data', () => undefined);
      if (stdin.length > 0) stream.write(stdin);
      if (end) stream.end();
      setTimeout(() => {
        // Cut the TCP connection under the session, as a network failure would.
        (client as unknown as { _sock: { destroy(): void } })._sock.destroy();
        resolve();
      }, delayMs);
    });
  });
}

/** Waits until the file stops changing (the guest-side script may still be finishing). */
async function settledContent(file: string): Promise<string> {
  let last = readFileSync(file, 'latin1');
  for (let stable = 0; stable < 5; ) {
    await new Promise((r) => setTimeout(r, 50));
    const now = readFileSync(file, 'latin1');
    stable = now === last ? stable + 1 : 0;
    last = now;
  }
  return last;
}
