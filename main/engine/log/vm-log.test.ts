// Proves the Diagnostics panel's log lines about a VM: read from the real pino log's tail, kept
// only where a field names that very VM of that very project (never `webserver` for `web`, never
// another project's `web`), a pass line reduced to the VM's part, repeats folded, bounded.
import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { logPath, openLog } from './log-file.js';
import { linesAbout, vmLogLines } from './vm-log.js';

const web = { configPath: '/p/ragnatramp.yaml', project: 'demo', machineName: 'web' };

describe('vmLogLines', () => {
  it('reads what the app logged (pino, through openLog): pass lines as the VM part, SSH failures by machine, repeats folded', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'rt-vmlog-'));
    const log = openLog({ dir: home, component: 'app' });
    const pass = (ip: string) => ({ project: 'demo', configPath: '/p/ragnatramp.yaml', syncHosts: false, vms: [{ machine: 'web', status: 'running', ipv4: ip, tier: 'kvp', warnings: [] }, { machine: 'webserver', status: 'running', ipv4: '10.0.0.99', tier: 'arp', warnings: [] }], changes: 0, stateWritten: false });
    log.info('pass', pass('10.0.0.5'));
    log.info('pass', pass('10.0.0.5'));
    log.info('pass', pass('10.0.0.5'));
    log.info('pass', pass('10.0.0.9'));
    log.warn('ssh failure', { project: 'demo', configPath: '/p/ragnatramp.yaml', machine: 'web', error: 'connection refused' });
    log.warn('ssh failure', { project: 'other', configPath: '/q/ragnatramp.yaml', machine: 'web', error: 'not this one' });
    log.warn('ssh failure', { project: 'demo', configPath: '/p/ragnatramp.yaml', machine: 'webserver', error: 'not this one either' });
    log.info('powershell invocation', { invocation: 1, ms: 20 });
    await log.close();
    const lines = await vmLogLines(home, web);
    expect(lines.map((l) => [l.event, l.level, l.count, l.text])).toEqual([
      ['pass', 'info', 3, 'status=running ipv4=10.0.0.5 tier=kvp'],
      ['pass', 'info', 1, 'status=running ipv4=10.0.0.9 tier=kvp'],
      ['ssh failure', 'warn', 1, 'error=connection refused'],
    ]);
    expect(lines[0]!.lastAt >= lines[0]!.at).toBe(true);
  });

  it('a line without a config path is matched by the project name; malformed and cut lines are skipped', () => {
    const text = [
      '{"level":40,"time":"2026-12-05T08:00:00.000Z","msg":"ssh failure","pid":1,"component":"app","project":"dem',
      'garbage',
      '[1,2,3]',
      JSON.stringify({ level: 40, time: '2026-12-05T08:01:00.000Z', msg: 'ssh failure', project: 'demo', machine: 'web', error: 'old line' }),
      JSON.stringify({ level: 40, time: '2026-12-05T08:02:00.000Z', msg: 'ssh failure', project: 'demo', configPath: '/elsewhere/ragnatramp.yaml', machine: 'web', error: 'same name, other path' }),
      JSON.stringify({ level: 30, time: '2026-12-05T08:03:00.000Z', msg: 'pass', configPath: '/p/ragnatramp.yaml', vms: [null, 'web', { machine: 'web', status: 'stopped', ipv4: null, warnings: ['vm-stopped'] }] }),
    ].join('\n');
    expect(linesAbout(text, web, 30).map((l) => l.text)).toEqual(['error=old line', 'status=stopped warnings=["vm-stopped"]']);
  });

  it('keeps the last lines only, and reads only the tail of a big log', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'rt-vmlog-'));
    const line = (i: number) => `${JSON.stringify({ level: 30, time: `2026-12-05T08:00:${String(i % 60).padStart(2, '0')}.000Z`, msg: 'pass', configPath: '/p/ragnatramp.yaml', vms: [{ machine: 'web', ipv4: `10.0.${Math.floor(i / 250)}.${i % 250}` }] })}\n`;
    writeFileSync(logPath(home), '');
    for (let i = 0; i < 2000; i++) appendFileSync(logPath(home), line(i));
    const last = await vmLogLines(home, web, { max: 5 });
    expect(last.map((l) => l.text)).toEqual([1995, 1996, 1997, 1998, 1999].map((i) => `ipv4=10.0.${Math.floor(i / 250)}.${i % 250}`));
    // 4 KiB of tail holds a few dozen lines: the first, cut, is skipped and nothing before it is read.
    const tail = await vmLogLines(home, web, { tailBytes: 4096, max: 10_000 });
    expect(tail.length).toBeGreaterThan(10);
    expect(tail.length).toBeLessThan(4096 / 80);
    expect(tail.at(-1)!.text).toBe('ipv4=10.0.7.249');
  });

  it('no log yet: no lines', async () => {
    expect(await vmLogLines(mkdtempSync(path.join(os.tmpdir(), 'rt-vmlog-')), web)).toEqual([]);
  });
});
