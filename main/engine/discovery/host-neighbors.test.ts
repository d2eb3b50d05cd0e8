// Reading the host's neighbour table: what the error says to do depends on why it failed.
import { describe, expect, it } from 'vitest';
import { readHostNeighbors, type CommandRunner } from './host-neighbors.js';

const failing = (code: string | number, message: string): CommandRunner => () => Promise.reject(Object.assign(new Error(message), { code }));

describe('readHostNeighbors', () => {
  it('reads `ip -j -4 neigh` on Linux and `arp -an` on macOS', async () => {
    const calls: string[][] = [];
    const run: CommandRunner = async (command, args) => {
      calls.push([command, ...args]);
      return command === 'ip' ? '[{"dst":"10.0.0.5","lladdr":"52:54:00:00:00:01","state":["REACHABLE"]}]' : '? (10.0.0.6) at 52:54:0:0:0:2 on en0 ifscope [ethernet]\n';
    };
    expect(await readHostNeighbors(run, 'linux')).toEqual([{ ip: '10.0.0.5', mac: '52:54:00:00:00:01', state: 'REACHABLE' }]);
    expect((await readHostNeighbors(run, 'darwin')).map((n) => n.ip)).toEqual(['10.0.0.6']);
    expect(calls).toEqual([['ip', '-j', '-4', 'neigh', 'show'], ['arp', '-an']]);
  });

  it('a missing command: install it; any other failure: run it by hand to see why', async () => {
    await expect(readHostNeighbors(failing('ENOENT', 'spawn ip ENOENT'), 'linux')).rejects.toThrow(/could not be read \(spawn ip ENOENT\)\.\nInstall iproute2/);
    const other = readHostNeighbors(failing(1, 'Command failed: ip -j -4 neigh show\nCannot open netlink socket'), 'linux');
    await expect(other).rejects.toThrow(/could not be read \(Command failed: ip -j -4 neigh show\)\.\nRun 'ip -j -4 neigh show' yourself to see why, then try again\./);
  });
});
