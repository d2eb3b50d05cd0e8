// A Proxmox VE cluster as a project of its own: its guests listed from /cluster/resources as
// pveproxy answers (pool and tags per guest: pve-manager PVE/API2/Cluster.pm:562-600, tags the
// guest config's ';'-separated list), all of them or one pool's or one tag's.
import { describe, expect, it } from 'vitest';
import { parseResources } from './proxmox-api.js';
import { ProxmoxProvider } from './proxmox-provider.js';

const RESOURCES = {
  data: [
    { id: 'qemu/101', type: 'qemu', vmid: 101, name: 'web', node: 'pve1', status: 'running', pool: 'team-a', tags: 'lab;web' },
    { id: 'lxc/201', type: 'lxc', vmid: 201, name: 'cache', node: 'pve2', status: 'stopped', tags: 'lab' },
    { id: 'qemu/102', type: 'qemu', vmid: 102, name: 'db', node: 'pve2', status: 'running', pool: 'team-b' },
    { id: 'qemu/103', type: 'qemu', vmid: 103, node: 'pve3', status: 'unknown' },
    { id: 'pool/team-a', type: 'pool', pool: 'team-a' },
  ],
};

const provider = () => new ProxmoxProvider({ get: async (p: string) => (p === '/cluster/resources?type=vm' ? RESOURCES : { data: {} }), post: async () => ({ data: null }), close: () => undefined }, 'https://pve.example.com:8006');

describe('listing a cluster', () => {
  it('reads each guest\'s pool and tags', () => {
    expect(parseResources(RESOURCES).map((g) => [g.vmid, g.pool ?? null, g.tags ?? []])).toEqual([
      [101, 'team-a', ['lab', 'web']],
      [201, null, ['lab']],
      [102, 'team-b', []],
      [103, null, []],
    ]);
  });
  it('lists every named guest by its name and vmid, or one pool\'s, or one tag\'s', async () => {
    expect(await provider().list({})).toEqual([
      { name: 'web', id: '101' },
      { name: 'cache', id: '201' },
      { name: 'db', id: '102' },
    ]);
    expect(await provider().list({ pool: 'team-a' })).toEqual([{ name: 'web', id: '101' }]);
    expect(await provider().list({ tag: 'lab' })).toEqual([
      { name: 'web', id: '101' },
      { name: 'cache', id: '201' },
    ]);
    expect(await provider().list({ tag: 'nothing' })).toEqual([]);
  });
});
