// Proves status --json carries each VM's address history as the app recorded it (an added
// field; status itself writes nothing), and that a history file that is not one is said on
// stderr while stdout stays the one document.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeFixture } from '../../dev/test-support/project-fixture.js';
import { noteProject } from '../engine/history/address-history.js';
import { HISTORY_FILE, writeHistory } from '../engine/history/history-file.js';
import { runCli } from './cli.js';

function fixture() {
  const f = makeFixture({ machines: ['web'], vms: [{ machine: 'web' }], scenario: { vms: [{ name: 'myproject-web-a1b2c3d4', id: '6f1c2d9e-0000-4000-8000-000000000001', adapters: [{ mac: '00155DDE3309', ipAddresses: ['172.18.185.163'] }] }] } });
  const home = mkdtempSync(path.join(os.tmpdir(), 'rt-home-'));
  const run = async () => {
    let stdout = '';
    let stderr = '';
    const code = await runCli(['status', '--json', '--config', f.configPath, '--simulate', f.scenarioPath, '--known-hosts', f.knownHostsPath], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: { ...process.env, RAGNATRAMP_TRAY_HOME: home }, logDir: home });
    return { code, doc: JSON.parse(stdout), stderr };
  };
  return { f, home, run };
}

describe('status --json history', () => {
  it("is each VM's recorded stretches, newest first, and the file is left as it was", async () => {
    const { f, home, run } = fixture();
    let h = noteProject({}, f.configPath, [{ machineName: 'web', ipv4: '172.18.185.100', active: true }], '2026-12-01T08:00:00.000Z');
    h = noteProject(h, f.configPath, [{ machineName: 'web', ipv4: '172.18.185.163', active: true }], '2026-12-02T08:00:00.000Z');
    await writeHistory(home, h);
    const before = readFileSync(path.join(home, HISTORY_FILE), 'utf8');
    const { doc } = await run();
    expect(doc.projects[0].vms[0].history).toEqual([
      { ipv4: '172.18.185.163', seenAt: '2026-12-02T08:00:00.000Z', endedAt: null },
      { ipv4: '172.18.185.100', seenAt: '2026-12-01T08:00:00.000Z', endedAt: '2026-12-02T08:00:00.000Z' },
    ]);
    expect(readFileSync(path.join(home, HISTORY_FILE), 'utf8')).toBe(before);
  });

  it('a file that is not a history: an empty history, and a note on stderr naming the file', async () => {
    const { home, run } = fixture();
    writeFileSync(path.join(home, HISTORY_FILE), '{"version":2}');
    const { doc, stderr } = await run();
    expect(doc.projects[0].vms[0].history).toEqual([]);
    expect(stderr).toContain(`note: ${path.join(home, HISTORY_FILE)} is not an address history`);
    expect(readFileSync(path.join(home, HISTORY_FILE), 'utf8')).toBe('{"version":2}');
  });
});
