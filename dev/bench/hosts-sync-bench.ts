// Hosts sync, side by side on one lab: the engine with new connections (cold) and over kept
// ones (warm), a sequential OpenSSH loop, and Ansible's blockinfile. Every run must change every
// guest's block (the block carries the run number), and every guest's file is checked after.

import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { renderHostsBlock } from '../../main/engine/hosts/hosts-block.js';
import { FileHostKeyStore } from '../../main/engine/ssh/known-hosts.js';
import { PooledConnector } from '../../main/engine/ssh/pooled-connector.js';
import { Ssh2Connector } from '../../main/engine/ssh/ssh2-connector.js';
import type { SshConnector } from '../../main/engine/ssh/ssh-session.js';
import { syncHostsFiles, type HostsMemory } from '../../main/engine/ssh/sync-hosts.js';
import type { LabControl, LabGuest } from '../lab/lab.js';
import { ansibleBlockinfile, opensshSequential, prepareAnsible, type Login } from './baseline-tools.js';
import { median, round } from './stats.js';

export type Tool = 'ragnatramp-tray-cold' | 'ragnatramp-tray-warm' | 'openssh-sequential' | 'ansible-blockinfile';

export interface HostsSyncRow {
  guests: number;
  tool: Tool;
  seconds: number;
  runs: number;
  correct: boolean;
}

let runCounter = 0;

function blockFor(guests: LabGuest[]): string {
  runCounter++;
  return renderHostsBlock([...guests.map((g) => ({ ip: g.ip, name: g.machine })), { ip: `10.255.${Math.floor(runCounter / 250) % 250}.${(runCounter % 250) + 1}`, name: `bench-run-${runCounter}` }]);
}

async function allCorrect(lab: LabControl, guests: LabGuest[], block: string): Promise<boolean> {
  const inner = block.split('\n').slice(1, -2).join('\n');
  for (const g of guests) {
    const text = await lab.readHosts(g.machine);
    const begin = text.indexOf('# BEGIN RAGNATRAMP\n');
    const end = text.indexOf('# END RAGNATRAMP');
    if (begin === -1 || end === -1 || text.indexOf('# BEGIN RAGNATRAMP', begin + 1) !== -1) return false;
    if (text.slice(begin + '# BEGIN RAGNATRAMP\n'.length, end).replace(/\n$/, '') !== inner) return false;
  }
  return true;
}

export async function benchHostsSync(lab: LabControl, sizes: number[], runs: number, work: string, log: (line: string) => void): Promise<HostsSyncRow[]> {
  await mkdir(work, { recursive: true });
  const login: Login = { user: lab.record.user, key: lab.paths.key, knownHosts: path.join(work, 'openssh_known_hosts') };
  const pins = new FileHostKeyStore(path.join(work, 'tray_known_hosts.json'));
  const rows: HostsSyncRow[] = [];
  for (const size of sizes) {
    const guests = lab.record.guests.slice(0, size);
    const engineSync = async (connector: SshConnector, block: string, memory?: HostsMemory) => {
      const out = await syncHostsFiles(guests.map((g) => ({ target: { machineName: g.machine, host: g.ip, port: 22, user: login.user, privateKeyPath: login.key, hostKeyAlias: `vm:${g.vmId}` }, block })), connector, { concurrency: 16, timeoutMs: 30_000, memory });
      const failed = out.find((o) => !o.success);
      if (failed) throw new Error(`${failed.machineName}: ${failed.error}`);
    };
    const ansibleFiles = await prepareAnsible(work, guests, login);
    // Warm = what the watching app has: connections kept open and its memory of every guest's file.
    const pool = new PooledConnector(new Ssh2Connector({ hostKeys: pins }));
    const memory: HostsMemory = new Map();
    const tools: Array<[Tool, (block: string) => Promise<void>]> = [
      ['ragnatramp-tray-cold', (block) => engineSync(new Ssh2Connector({ hostKeys: pins }), block)],
      ['ragnatramp-tray-warm', (block) => engineSync(pool, block, memory)],
      ['openssh-sequential', (block) => opensshSequential(guests, login, block)],
      ['ansible-blockinfile', (block) => ansibleBlockinfile(work, ansibleFiles, size, block.split('\n').slice(1, -2).join('\n'))],
    ];
    for (const [tool, sync] of tools) {
      await sync(blockFor(guests)); // untimed: pins host keys, warms the pool, fills caches
      const times: number[] = [];
      let correct = true;
      for (let i = 0; i < runs; i++) {
        const block = blockFor(guests);
        const started = performance.now();
        await sync(block);
        times.push((performance.now() - started) / 1000);
        correct &&= await allCorrect(lab, guests, block);
      }
      const row = { guests: size, tool, seconds: round(median(times)), runs, correct };
      log(`hosts sync: ${size} guest${size === 1 ? '' : 's'}, ${tool}: ${row.seconds} s${correct ? '' : ' (WRONG CONTENT)'}`);
      rows.push(row);
    }
    pool.dispose();
  }
  return rows;
}
