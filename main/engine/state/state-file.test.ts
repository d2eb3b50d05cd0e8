// state.json's network fields written without losing anything else, even under a concurrent write.
import { readFileSync, writeFileSync, statSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeFixture, vmId } from '../../../dev/test-support/project-fixture.js';
import type { NetworkState } from '../seed-types.js';
import { readStateFile, writeNetworkStates } from './state-file.js';

const network: NetworkState = { ipv4: '172.18.0.5', mac: '00155D000001', adapterName: 'Network Adapter', discoveredAt: '2026-11-22T10:00:00.000Z', source: 'hyperv' };

describe('writeNetworkStates', () => {
  it('writes network and keeps every other field, its order and the 2-space format', async () => {
    const f = makeFixture({ machines: ['web'], vms: [{ machine: 'web' }] });
    const before = JSON.parse(readFileSync(f.statePath, 'utf8'));
    before.futureField = { keep: [1, 2] };
    before.vms.web.cliOnly = 'x';
    writeFileSync(f.statePath, JSON.stringify(before, null, 2));
    const outcome = await writeNetworkStates(f.statePath, [{ machineName: 'web', vmId: vmId(1), network }]);
    expect(outcome).toEqual({ written: true, dropped: [] });
    const text = readFileSync(f.statePath, 'utf8');
    expect(text).toBe(JSON.stringify({ ...before, vms: { web: { ...before.vms.web, network } } }, null, 2));
    expect(Object.keys(JSON.parse(text).vms.web)).toEqual(['id', 'name', 'machineName', 'diskPath', 'createdAt', 'checkpoints', 'cliOnly', 'network']);
  });

  it('leaves the file byte-identical (and unwritten) when nothing changes', async () => {
    const f = makeFixture({ machines: ['web'], vms: [{ machine: 'web', network }] });
    const mtime = statSync(f.statePath).mtimeMs;
    const before = readFileSync(f.statePath);
    expect(await writeNetworkStates(f.statePath, [{ machineName: 'web', vmId: vmId(1), network: { ...network } }])).toEqual({ written: false, dropped: [] });
    expect(readFileSync(f.statePath)).toEqual(before);
    expect(statSync(f.statePath).mtimeMs).toBe(mtime);
  });

  it('applies updates to what is on disk now: a concurrent CLI write is not lost', async () => {
    const f = makeFixture({ machines: ['web', 'db'], vms: [{ machine: 'web' }, { machine: 'db' }] });
    // The Ragnatramp CLI adds a checkpoint and removes db after the tray read the file.
    const state = JSON.parse(readFileSync(f.statePath, 'utf8'));
    state.vms.web.checkpoints.push({ id: 'c1', name: 'before-upgrade', createdAt: '2026-11-22T09:59:00.000Z' });
    delete state.vms.db;
    writeFileSync(f.statePath, JSON.stringify(state, null, 2));
    const outcome = await writeNetworkStates(f.statePath, [
      { machineName: 'web', vmId: vmId(1), network },
      { machineName: 'db', vmId: vmId(2), network },
    ]);
    expect(outcome.dropped).toEqual(['db']);
    const after = JSON.parse(readFileSync(f.statePath, 'utf8'));
    expect(after.vms.web.checkpoints).toHaveLength(1);
    expect(after.vms.web.network).toEqual(network);
    expect(after.vms.db).toBeUndefined();
  });

  it('does not write onto a VM that was recreated with another id meanwhile', async () => {
    const f = makeFixture({ machines: ['web'], vms: [{ machine: 'web', id: vmId(9) }] });
    expect(await writeNetworkStates(f.statePath, [{ machineName: 'web', vmId: vmId(1), network }])).toEqual({ written: false, dropped: ['web'] });
  });

  it('keeps CRLF line endings and the absence of a final newline', async () => {
    const f = makeFixture({ machines: ['web'], vms: [{ machine: 'web' }] });
    writeFileSync(f.statePath, readFileSync(f.statePath, 'utf8').replace(/\n/g, '\r\n'));
    await writeNetworkStates(f.statePath, [{ machineName: 'web', vmId: vmId(1), network }]);
    const text = readFileSync(f.statePath, 'utf8');
    expect(text.split('\r\n').length).toBeGreaterThan(10);
    expect(text.replace(/\r\n/g, '')).not.toContain('\n');
    expect(text.endsWith('}')).toBe(true);
  });

  it('a corrupt file at write time is an error and stays exactly as it was; no temp file is left', async () => {
    const f = makeFixture({ machines: ['web'], vms: [{ machine: 'web' }] });
    writeFileSync(f.statePath, '{"version": 1, "vms": ');
    await expect(writeNetworkStates(f.statePath, [{ machineName: 'web', vmId: vmId(1), network }])).rejects.toThrow(/is not valid JSON/);
    expect(readFileSync(f.statePath, 'utf8')).toBe('{"version": 1, "vms": ');
    expect(readdirSync(path.dirname(f.statePath))).toEqual(['state.json']);
  });

  it('round-trips through readStateFile', async () => {
    const f = makeFixture({ machines: ['web'], vms: [{ machine: 'web' }] });
    await writeNetworkStates(f.statePath, [{ machineName: 'web', vmId: vmId(1), network }]);
    expect((await readStateFile(f.statePath))!.vms.web!.network).toEqual(network);
  });
});
