// Proves each VM's address history: a new stretch per change (newest first, at most 10), a
// stopped VM ends its stretch while an unknown address does not, removed machines go, and the
// file keeps it across restarts (a file that is not one is set aside, never overwritten blind).
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HISTORY_LENGTH, HISTORY_PROJECTS, historyOf, noteProject, noteVm, type AddressHistory } from './address-history.js';
import { HISTORY_FILE, loadHistoryForWriting, readHistory, writeHistory } from './history-file.js';

const t = (n: number) => `2026-12-05T08:${String(n).padStart(2, '0')}:00.000Z`;

describe('noteVm', () => {
  it('opens a stretch at a new address, closes the last one, and changes nothing while the address stays', () => {
    let list = noteVm([], { machineName: 'web', ipv4: '10.0.0.5', active: true }, t(0));
    expect(list).toEqual([{ ipv4: '10.0.0.5', seenAt: t(0), endedAt: null }]);
    const same = noteVm(list, { machineName: 'web', ipv4: '10.0.0.5', active: true }, t(1));
    expect(same).toBe(list);
    list = noteVm(list, { machineName: 'web', ipv4: '10.0.0.9', active: true }, t(2));
    expect(list).toEqual([
      { ipv4: '10.0.0.9', seenAt: t(2), endedAt: null },
      { ipv4: '10.0.0.5', seenAt: t(0), endedAt: t(2) },
    ]);
  });

  it('a running VM whose address is unknown this pass keeps its stretch; a stopped one ends it, and a restart opens a new one', () => {
    const list = noteVm([], { machineName: 'web', ipv4: '10.0.0.5', active: true }, t(0));
    expect(noteVm(list, { machineName: 'web', ipv4: null, active: true }, t(1))).toBe(list);
    const stopped = noteVm(list, { machineName: 'web', ipv4: null, active: false }, t(2));
    expect(stopped).toEqual([{ ipv4: '10.0.0.5', seenAt: t(0), endedAt: t(2) }]);
    expect(noteVm(stopped, { machineName: 'web', ipv4: null, active: false }, t(3))).toBe(stopped);
    expect(noteVm(stopped, { machineName: 'web', ipv4: '10.0.0.5', active: true }, t(4))).toEqual([
      { ipv4: '10.0.0.5', seenAt: t(4), endedAt: null },
      { ipv4: '10.0.0.5', seenAt: t(0), endedAt: t(2) },
    ]);
  });

  it('keeps the last ten stretches', () => {
    let list = noteVm([], { machineName: 'web', ipv4: '10.0.0.1', active: true }, t(0));
    for (let i = 2; i <= 25; i++) list = noteVm(list, { machineName: 'web', ipv4: `10.0.0.${i}`, active: true }, t(i));
    expect(list).toHaveLength(HISTORY_LENGTH);
    expect(list[0]!.ipv4).toBe('10.0.0.25');
    expect(list.at(-1)!.ipv4).toBe('10.0.0.16');
  });
});

describe('noteProject', () => {
  it('notes every VM, drops machines the project no longer has, and is the same object when nothing changed', () => {
    const h1 = noteProject({}, '/p/ragnatramp.yaml', [{ machineName: 'web', ipv4: '10.0.0.5', active: true }, { machineName: 'db', ipv4: '10.0.0.6', active: true }], t(0));
    expect(historyOf(h1, '/p/ragnatramp.yaml', 'db')).toEqual([{ ipv4: '10.0.0.6', seenAt: t(0), endedAt: null }]);
    expect(noteProject(h1, '/p/ragnatramp.yaml', [{ machineName: 'web', ipv4: '10.0.0.5', active: true }, { machineName: 'db', ipv4: '10.0.0.6', active: true }], t(1))).toBe(h1);
    const h2 = noteProject(h1, '/p/ragnatramp.yaml', [{ machineName: 'web', ipv4: '10.0.0.5', active: true }], t(2));
    expect(historyOf(h2, '/p/ragnatramp.yaml', 'db')).toEqual([]);
    expect(historyOf(h2, '/p/ragnatramp.yaml', 'web')).toHaveLength(1);
  });

  it('keeps at most HISTORY_PROJECTS projects: a removed one seen longest ago goes first, a current one stays', () => {
    let h: AddressHistory = {};
    for (let i = 0; i < HISTORY_PROJECTS; i++) {
      h = noteProject(h, `/gone/${i}`, [{ machineName: 'web', ipv4: '10.0.0.5', active: true }], t(i % 50));
      h = noteProject(h, `/gone/${i}`, [{ machineName: 'web', ipv4: null, active: false }], t((i % 50) + 1));
    }
    h = noteProject(h, '/current', [{ machineName: 'web', ipv4: '10.0.0.6', active: true }], t(55));
    expect(Object.keys(h)).toHaveLength(HISTORY_PROJECTS);
    expect(historyOf(h, '/current', 'web')).toHaveLength(1);
    // /gone/0 and /gone/50 ended earliest (t(1)): one of them made room.
    expect(['/gone/0', '/gone/50'].filter((p) => p in h)).toHaveLength(1);
  });

  it('a hypervisor-given name such as __proto__ is a machine like any other, never the prototype', () => {
    const h = noteProject({}, '/p', [{ machineName: '__proto__', ipv4: '10.0.0.5', active: true }], t(0));
    expect(historyOf(h, '/p', '__proto__')).toEqual([{ ipv4: '10.0.0.5', seenAt: t(0), endedAt: null }]);
    expect(historyOf(h, '/p', 'toString')).toEqual([]);
    expect(({} as Record<string, unknown>).ipv4).toBeUndefined();
  });
});

describe('the history file', () => {
  it('is written 0600 in the tray folder and read back as it was (across a restart)', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'rt-history-'));
    expect(await readHistory(home)).toEqual({ history: {}, problem: null });
    const h = noteProject({}, '/p/ragnatramp.yaml', [{ machineName: 'web', ipv4: '10.0.0.5', active: true }], t(0));
    await writeHistory(home, h);
    expect(statSync(path.join(home, HISTORY_FILE)).mode & 0o777).toBe(0o600);
    expect((await readHistory(home)).history).toEqual(h);
  });

  it('a file that is not a history is named by the reader and set aside by the writer, never overwritten blind', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'rt-history-'));
    const file = path.join(home, HISTORY_FILE);
    writeFileSync(file, '{"version":1,"projects":{"/p":{"web":[{"ipv4":"10.0.0.5"}]}}}');
    const read = await readHistory(home);
    expect(read.history).toEqual({});
    expect(read.problem).toContain(file);
    expect(read.problem).toContain('seenAt is required but missing');
    const loaded = await loadHistoryForWriting(home, new Date('2026-12-05T08:00:00Z'));
    expect(loaded.history).toEqual({});
    expect(loaded.notice).toMatch(/could not be read .*kept as .*address-history\.json\.unreadable-2026-12-05T08-00-00-000Z/);
    expect(existsSync(file)).toBe(false);
    const aside = readdirSync(home).find((f) => f.includes('unreadable'))!;
    expect(readFileSync(path.join(home, aside), 'utf8')).toContain('"ipv4":"10.0.0.5"');
    writeFileSync(file, 'not json');
    expect((await readHistory(home)).problem).toMatch(/is not JSON/);
  });

  it('a regular file too big to be a history is named and set aside by the writer, never taken for no file and replaced', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'rt-history-'));
    const file = path.join(home, HISTORY_FILE);
    writeFileSync(file, `{"version":1,"projects":{}, "pad":"${'x'.repeat(5 * 1024 * 1024)}"}`);
    expect((await readHistory(home)).problem).toMatch(/address-history\.json cannot be read as a history \(bigger than 4 MiB/);
    const loaded = await loadHistoryForWriting(home, new Date('2026-12-05T08:00:00Z'));
    expect(loaded.notice).toMatch(/kept as .*unreadable-2026-12-05T08-00-00-000Z/);
    expect(statSync(path.join(home, readdirSync(home).find((f) => f.includes('unreadable'))!)).size).toBeGreaterThan(5 * 1024 * 1024);
  });

  it('a FIFO in its place is not read (no hang), and reads as no history with nothing to set aside', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'rt-history-'));
    const { execFileSync } = await import('node:child_process');
    execFileSync('mkfifo', [path.join(home, HISTORY_FILE)]);
    chmodSync(path.join(home, HISTORY_FILE), 0o600);
    expect(await readHistory(home)).toEqual({ history: {}, problem: null });
  });
});
