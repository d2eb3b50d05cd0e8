// `doctor` on a Mac (the platform passed in): the provider's tools found where Homebrew puts them
// or named with Homebrew's package, bootpd checked against the application firewall as minikube
// checks it (fixture words in dev/test-support/macos-fixtures.ts) with its fix, bootpd's leases
// counted; and the hosts-file hint in a Mac's words (sudo, the name cache), never Windows'.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MINIKUBE_LEASES, SOCKETFILTERFW } from '../../../dev/test-support/macos-fixtures.js';
import type { CommandRunner } from '../discovery/host-neighbors.js';
import { elevationHint } from '../hosts/apply-to-file.js';
import type { Environment } from '../environment.js';
import { macosDoctorSteps, UNBLOCK_BOOTPD } from './doctor-macos.js';
import { runDoctor } from './doctor.js';

const firewall = (answers: Record<string, string>): CommandRunner => async (cmd, args) => {
  if (cmd !== '/usr/libexec/ApplicationFirewall/socketfilterfw' || !(args[0]! in answers)) throw new Error(`unexpected ${cmd} ${args.join(' ')}`);
  return answers[args[0]!]!;
};
const LAUNCHD = { PATH: '/usr/bin:/bin:/usr/sbin:/sbin' };
const dir = mkdtempSync(path.join(os.tmpdir(), 'rt-doctor-mac-'));
const leasesFile = path.join(dir, 'dhcpd_leases');
writeFileSync(leasesFile, MINIKUBE_LEASES);

describe('doctor on macOS', () => {
  it("finds quickemu's tools in Homebrew's folders from launchd's PATH, and names Homebrew's package for a missing one", async () => {
    const files = new Set(['/opt/homebrew/bin/quickemu']);
    const steps = await macosDoctorSteps('quickemu', { run: firewall({ '--getglobalstate': SOCKETFILTERFW.disabled }), exists: (f) => files.has(f), env: LAUNCHD, leasesFile });
    expect(steps.map((s) => [s.step, s.ok, s.detail, s.fix])).toEqual([
      ['quickemu found', true, '/opt/homebrew/bin/quickemu', null],
      ['qemu-system-aarch64 or qemu-system-x86_64 found', false, 'not on PATH, in /opt/homebrew/bin or /usr/local/bin', expect.stringMatching(/brew install qemu/)],
      ['bootpd not blocked by the application firewall', true, 'the firewall is off', null],
      ["bootpd's leases readable", null, `3 leases in ${leasesFile}`, null],
    ]);
  });

  it('bootpd blocked by the firewall fails, with the commands that unblock it; allowed, or built-in software allowed, passes', async () => {
    const step = async (answers: Record<string, string>) => (await macosDoctorSteps('linux', { run: firewall(answers), exists: () => false, env: LAUNCHD, leasesFile: path.join(dir, 'none') })).find((s) => s.step.startsWith('bootpd not blocked'))!;
    expect(await step({ '--getglobalstate': SOCKETFILTERFW.enabled, '--getallowsigned': SOCKETFILTERFW.signedOff, '--listapps': SOCKETFILTERFW.bootpdBlocked })).toMatchObject({ ok: false, fix: UNBLOCK_BOOTPD });
    expect(UNBLOCK_BOOTPD).toBe('sudo /usr/libexec/ApplicationFirewall/socketfilterfw --add /usr/libexec/bootpd; sudo /usr/libexec/ApplicationFirewall/socketfilterfw --unblock /usr/libexec/bootpd');
    expect(await step({ '--getglobalstate': SOCKETFILTERFW.enabled, '--getallowsigned': SOCKETFILTERFW.signedOff, '--listapps': SOCKETFILTERFW.bootpdAllowed })).toMatchObject({ ok: true });
    expect(await step({ '--getglobalstate': SOCKETFILTERFW.enabled, '--getallowsigned': SOCKETFILTERFW.signedOn })).toMatchObject({ ok: true, detail: 'built-in signed software is allowed' });
    expect(await step({})).toMatchObject({ ok: null });
  });

  it("runDoctor takes the macOS steps on a Mac only, before the guests", async () => {
    const env = { provider: { name: 'quickemu' } } as unknown as Environment;
    const mac = { run: firewall({ '--getglobalstate': SOCKETFILTERFW.disabled }), exists: () => true, env: LAUNCHD, leasesFile };
    expect((await runDoctor(env, [], { simulated: false, platform: 'darwin', mac })).map((s) => s.step)).toEqual(['quickemu found', 'qemu-system-aarch64 or qemu-system-x86_64 found', 'bootpd not blocked by the application firewall', "bootpd's leases readable", 'Guests over SSH']);
    expect((await runDoctor(env, [], { simulated: false, platform: 'linux', mac })).map((s) => s.step)).toEqual(['Guests over SSH']);
  });

  it("the hosts file's write refused: a Mac's words (sudo, the name cache), Windows' only on Windows", () => {
    expect(elevationHint('darwin', '/etc/hosts')).toBe("Writing /etc/hosts needs root: run the same command with sudo (the file keeps its owner and mode); or print the block with `hosts` and paste it yourself. Then flush macOS's name cache: sudo dscacheutil -flushcache; sudo killall -HUP mDNSResponder.");
    expect(elevationHint('darwin', '/etc/hosts')).not.toMatch(/Windows|administrator/);
    expect(elevationHint('win32', 'C:\\Windows\\System32\\drivers\\etc\\hosts')).toMatch(/Windows hosts file needs an elevated/);
  });
});
