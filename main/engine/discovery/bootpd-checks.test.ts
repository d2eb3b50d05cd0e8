// bootpd's checks of a Mac: checked against the application firewall as minikube checks it
// (fixture words in dev/test-support/macos-fixtures.ts), blocked fails with the commands that
// unblock it, and its leases are counted.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fakeMacRunner as firewall, MINIKUBE_LEASES, SOCKETFILTERFW } from '../../../dev/test-support/macos-fixtures.js';
import { bootpdHostChecks, UNBLOCK_BOOTPD } from './bootpd-checks.js';
const dir = mkdtempSync(path.join(os.tmpdir(), 'rt-bootpd-'));
const leasesFile = path.join(dir, 'dhcpd_leases');
writeFileSync(leasesFile, MINIKUBE_LEASES);

describe("bootpd's checks", () => {
  it('the firewall off passes, and the leases are counted', async () => {
    expect((await bootpdHostChecks(firewall({ '--getglobalstate': SOCKETFILTERFW.disabled }), leasesFile)).map((s) => [s.step, s.ok, s.detail, s.fix])).toEqual([
      ['bootpd not blocked by the application firewall', true, 'the firewall is off', null],
      ["bootpd's leases readable", null, `3 leases in ${leasesFile}`, null],
    ]);
    expect((await bootpdHostChecks(firewall({ '--getglobalstate': SOCKETFILTERFW.disabled }), path.join(dir, 'none')))[1]!.detail).toBe(`none in ${path.join(dir, 'none')} (no vmnet guest has asked for an address yet)`);
  });

  it('bootpd blocked by the firewall fails, with the commands that unblock it; allowed, or built-in software allowed, passes', async () => {
    const step = async (answers: Record<string, string>) => (await bootpdHostChecks(firewall(answers), path.join(dir, 'none')))[0]!;
    expect(await step({ '--getglobalstate': SOCKETFILTERFW.enabled, '--getallowsigned': SOCKETFILTERFW.signedOff, '--listapps': SOCKETFILTERFW.bootpdBlocked })).toMatchObject({ ok: false, fix: UNBLOCK_BOOTPD });
    expect(UNBLOCK_BOOTPD).toBe('sudo /usr/libexec/ApplicationFirewall/socketfilterfw --add /usr/libexec/bootpd; sudo /usr/libexec/ApplicationFirewall/socketfilterfw --unblock /usr/libexec/bootpd');
    expect(await step({ '--getglobalstate': SOCKETFILTERFW.enabled, '--getallowsigned': SOCKETFILTERFW.signedOff, '--listapps': SOCKETFILTERFW.bootpdAllowed })).toMatchObject({ ok: true });
    expect(await step({ '--getglobalstate': SOCKETFILTERFW.enabled, '--getallowsigned': SOCKETFILTERFW.signedOn })).toMatchObject({ ok: true, detail: 'built-in signed software is allowed' });
    expect(await step({})).toMatchObject({ ok: null });
  });
});
