// Fault injection on a running lab: tests break a guest in a real way (sshd stopped, a wrong
// key, sudo wanting a password, a read-only or full /etc/hosts, a hung guest) or renumber it by
// DHCP, and mend it again.

import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { run, runQuietly } from './run-command.js';
import { LabError, paths, readRecord, saveRecord, type LabGuest, type LabRecord } from './lab-record.js';
import { labScenario, writeScenario } from './lab-fixtures.js';
import { readLeases, sleep, waitForPort } from './lab-bridge.js';
import { setSudoRule, startSshd } from './lab-netns.js';

/** What tests do to a running lab: break a guest in a real way, or change its address by DHCP. */
export class LabControl {
  constructor(public record: LabRecord) {}

  static async open(dir: string): Promise<LabControl> {
    return new LabControl(await readRecord(dir));
  }

  get paths() {
    return paths(this.record.dir);
  }

  guest(machine: string): LabGuest {
    const g = this.record.guests.find((x) => x.machine === machine);
    if (!g) throw new LabError(`No guest ${machine} in this lab.`);
    return g;
  }

  hostsPath(machine: string): string {
    return `/etc/netns/${this.guest(machine).netns}/hosts`;
  }

  readHosts(machine: string): Promise<string> {
    return readFile(this.hostsPath(machine), 'latin1');
  }

  writeHosts(machine: string, content: string): Promise<void> {
    return writeFile(this.hostsPath(machine), content, 'latin1');
  }

  readBackup(machine: string): Promise<string> {
    return readFile(`/etc/netns/${this.guest(machine).netns}/hosts.ragnatramp.bak`, 'latin1');
  }

  /** Runs a command inside the guest, seeing the guest's own /etc/hosts. */
  exec(machine: string, args: string[]): Promise<string> {
    return run('ip', ['netns', 'exec', this.guest(machine).netns, ...args]);
  }

  private async sshdPid(machine: string): Promise<number> {
    return Number((await readFile(path.join(this.guest(machine).dir, 'sshd.pid'), 'utf8')).trim());
  }

  /** Gives the guest another /etc/machine-id (a clone: the one of another guest), in place. */
  async setMachineId(machine: string, id: string): Promise<void> {
    await writeFile(`/etc/netns/${this.guest(machine).netns}/machine-id`, `${id}\n`);
  }

  async machineId(machine: string): Promise<string> {
    return (await readFile(`/etc/netns/${this.guest(machine).netns}/machine-id`, 'utf8')).trim();
  }

  async stopSshd(machine: string): Promise<void> {
    const pid = await this.sshdPid(machine);
    await runQuietly('kill', ['-TERM', String(pid)]);
    for (let i = 0; i < 50 && existsSync(`/proc/${pid}`) && !(await isZombie(pid)); i++) await sleep(20);
  }

  async startSshd(machine: string): Promise<void> {
    await startSshd(this.guest(machine));
    await waitForPort(this.guest(machine).ip, 22);
  }

  async freezeSshd(machine: string): Promise<void> {
    await run('kill', ['-STOP', String(await this.sshdPid(machine))]);
  }

  async thawSshd(machine: string): Promise<void> {
    await run('kill', ['-CONT', String(await this.sshdPid(machine))]);
  }

  /** A rebuilt VM: new host key, same address. */
  async replaceHostKey(machine: string): Promise<void> {
    const g = this.guest(machine);
    const key = path.join(g.dir, 'ssh_host_ed25519_key');
    await this.stopSshd(machine);
    await rm(key, { force: true });
    await rm(`${key}.pub`, { force: true });
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
    await this.startSshd(machine);
  }

  setSudo(machine: string, mode: 'nopasswd' | 'password'): Promise<void> {
    return setSudoRule(this.record, this.guest(machine), mode);
  }

  /** Remounts the guest's /etc/hosts read-only inside the guest (its sshd's mount namespace). */
  async setHostsReadOnly(machine: string, readOnly: boolean): Promise<void> {
    await run('nsenter', [`--mount=/proc/${await this.sshdPid(machine)}/ns/mnt`, 'mount', '-o', `remount,bind,${readOnly ? 'ro' : 'rw'}`, '/etc/hosts']);
  }

  /**
   * Pins a new address for the guest in dnsmasq, then has its DHCP client release and renew.
   * `onRenew` runs just before the renewal: the moment the address starts to change.
   */
  async changeIp(machine: string, onRenew?: () => void): Promise<string> {
    const g = this.guest(machine);
    const prefix = this.record.gateway.slice(0, -2);
    const taken = new Set([...this.record.guests.map((x) => x.ip), ...(this.record.retiredIps ?? [])]);
    let ip = '';
    for (let host = 251; host > 10 && !ip; host--) if (!taken.has(`${prefix}.${host}`)) ip = `${prefix}.${host}`;
    const pinned = (await readFile(this.paths.dhcpHosts, 'utf8')).split('\n').filter((l) => l && !l.startsWith(`${g.mac},`));
    await writeFile(this.paths.dhcpHosts, `${[...pinned, `${g.mac},${ip}`].join('\n')}\n`);
    await run('kill', ['-HUP', (await readFile(this.paths.dnsmasqPid, 'utf8')).trim()]);
    const udhcpc = (await readFile(path.join(g.dir, 'udhcpc.pid'), 'utf8')).trim();
    await run('kill', ['-USR2', udhcpc]); // release
    await sleep(200);
    onRenew?.();
    await run('kill', ['-USR1', udhcpc]); // renew: DISCOVER, dnsmasq offers the pinned address
    const deadline = Date.now() + 20_000;
    while (!(await this.exec(machine, ['ip', '-4', '-o', 'addr', 'show', 'dev', 'eth0'])).includes(` ${ip}/`)) {
      if (Date.now() > deadline) throw new LabError(`${machine} did not take its new address ${ip}.`);
      await sleep(100);
    }
    while ((await readLeases(this.record)).get(g.mac) !== ip) {
      if (Date.now() > deadline) throw new LabError(`dnsmasq did not record ${machine}'s new lease.`);
      await sleep(100);
    }
    await waitForPort(ip, 22); // answers at its new address (and the host's neighbour table learns it)
    this.record.retiredIps = [...(this.record.retiredIps ?? []), g.ip];
    g.ip = ip;
    await saveRecord(this.record);
    await writeScenario(this.record, labScenario(this.record));
    return ip;
  }
}

async function isZombie(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return stat === '' || / Z /.test(stat);
}
