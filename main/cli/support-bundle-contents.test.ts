// The support bundle says what it holds, when a figure came from a simulated run, and what does
// not exist (issue 23, point 18), on stderr and in contents.json.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeFixture, vmId } from '../../dev/test-support/project-fixture.js';
import { unzip } from '../../dev/test-support/unzip.js';
import { runCli } from './cli.js';

async function cli(args: string[], logDir: string) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: process.env, logDir });
  return { code, stdout, stderr };
}

const scenario = { vms: [{ name: 'myproject-web-a1b2c3d4', id: vmId(1), adapters: [{ mac: '00155DDE3309', ipAddresses: ['172.18.185.163'] }] }] };

describe('support-bundle', () => {
  it("marks a simulated run's PowerShell figure, lists what it holds, and says the settings do not exist", async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'rt-home-'));
    const f = makeFixture({ machines: ['web'], vms: [{ machine: 'web' }], scenario });
    await cli(['status', '--config', f.configPath, '--simulate', f.scenarioPath, '--known-hosts', f.knownHostsPath], home);
    const out = path.join(home, 'bundle.zip');
    const r = await cli(['support-bundle', '--config', f.configPath, '--out', out], home);
    expect(r.code).toBe(0);
    const entries = unzip(out);
    expect(JSON.parse(entries.get('versions.json')!).powershell).toEqual({ version: '5.1.22621.4391', languageMode: 'FullLanguage', simulated: true });
    expect(r.stderr).toContain("Its PowerShell version (versions.json) is a simulated run's (--simulate), not this PC's.\n");
    // Every name in the zip, one a line.
    for (const name of entries.keys()) expect(r.stderr).toContain(`\n  ${name}\n`);
    const settings = path.join(home, 'settings.json');
    expect(r.stderr).toContain(`Not there: ${settings} does not exist: the app has saved no settings in this tray folder.\n`);
    expect(JSON.parse(entries.get('contents.json')!).missing).toEqual([{ file: settings, why: 'does not exist: the app has saved no settings in this tray folder' }]);
  });

  it('with settings saved and a real run logged, it says neither', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'rt-home-'));
    writeFileSync(path.join(home, 'settings.json'), JSON.stringify({ projects: [] }));
    writeFileSync(path.join(home, 'ragnatramp-tray.log'), `${JSON.stringify({ msg: 'powershell invocation', host: { psVersion: '5.1.26100.1', languageMode: 'FullLanguage' } })}\n`);
    const r = await cli(['support-bundle', '--out', path.join(home, 'b.zip'), '--json'], home);
    expect(JSON.parse(r.stdout)).toMatchObject({ missing: [], holdsSimulated: false });
    expect(JSON.parse(unzip(path.join(home, 'b.zip')).get('versions.json')!).powershell).toEqual({ version: '5.1.26100.1', languageMode: 'FullLanguage' });
    expect(r.stderr).not.toMatch(/Not there|simulated/);
  });
});
