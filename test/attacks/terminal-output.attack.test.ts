// Issue 19, break 9: --verbose mirrored the log to the terminal as it was, so a file name, a
// server's or a guest's text could move the cursor, retitle the window or clear the screen; and
// --json passed C1 controls and bidirectional overrides through raw. Every write the CLI makes
// now escapes them (JSON stays valid and means the same).
import { copyFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeFixture, vmId } from '../../dev/test-support/project-fixture.js';
import { runCli } from '../../main/cli/cli.js';

// ESC, BEL, CR, C1 CSI and a right-to-left override: none may reach a terminal as itself.
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const HOSTILE = '\u001b]0;pwned\u0007\u001b[2J\r\u009b31m\u202e';

async function cli(args: string[], home: string) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: process.env, logDir: home });
  return { code, stdout, stderr };
}

describe('break 9: terminal safety everywhere', () => {
  it('--verbose escapes control characters in what it mirrors (here a file name in the log)', async () => {
    const f = makeFixture({ machines: ['web'], vms: [{ machine: 'web' }], scenario: { vms: [{ name: 'myproject-web-a1b2c3d4', id: vmId(1), adapters: [{ mac: '00155DDE3309', ipAddresses: ['172.18.185.163'] }] }] } });
    const scenario = path.join(f.dir, `scenario${HOSTILE}.yaml`);
    copyFileSync(f.scenarioPath, scenario);
    const r = await cli(['status', '--config', f.configPath, '--simulate', scenario, '--known-hosts', f.knownHostsPath, '--verbose'], mkdtempSync(path.join(os.tmpdir(), 'rt-home-')));
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('[log]');
    expect(r.stderr).toContain('scenario\\u001b]0;pwned\\u0007');
    expect(r.stderr).not.toMatch(RAW);
  });

  it('--json escapes what JSON.stringify leaves raw (C1 controls, bidi overrides) and still parses to the same value', async () => {
    const name = `myproject-web${HOSTILE}`;
    const f = makeFixture({ machines: ['web'], vms: [{ machine: 'web', name }], scenario: { vms: [{ name, id: vmId(1), adapters: [{ mac: '00155DDE3309', ipAddresses: ['172.18.185.163'] }] }] } });
    const r = await cli(['status', '--config', f.configPath, '--simulate', f.scenarioPath, '--known-hosts', f.knownHostsPath, '--json', '--verbose'], mkdtempSync(path.join(os.tmpdir(), 'rt-home-')));
    expect(r.stdout).not.toMatch(RAW);
    expect(r.stderr).not.toMatch(RAW);
    expect(JSON.stringify(JSON.parse(r.stdout))).toContain(JSON.stringify(name).slice(1, -1));
  });
});
