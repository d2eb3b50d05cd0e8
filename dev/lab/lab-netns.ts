// The lab's netns guests (the default kind): each a network namespace with a veth on the lab's
// bridge, an address leased by dnsmasq to a udhcpc client, a real OpenSSH sshd, a non-root login
// user with sudo, and its own /etc/hosts (`ip netns exec` bind-mounts /etc/netns/<ns>/hosts over
// it, as containers do). Built and removed here; `down` calls the removal on any kind of lab.

import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ubuntuHostsFile } from '../../main/engine/hosts/ubuntu-hosts.js';
import { startNetwork, waitForLeases, waitForPort } from './lab-bridge.js';
import { writeProjectFiles } from './lab-fixtures.js';
import { paths, saveRecord, type LabGuest, type LabRecord } from './lab-record.js';
import { run, runQuietly } from './run-command.js';

// `ip netns exec` bind-mounts /etc/netns/<ns>/<file> only over a file that exists in /etc: the
// guests' hosts backups (the engine's /etc/hosts.ragnatramp.bak) need it on this machine.
const BACKUP_MOUNTPOINT = '/etc/hosts.ragnatramp.bak';

// udhcpc calls this with the lease; it configures the address and nothing else (no resolv.conf,
// no hostname): the guests share this machine's filesystem.
const DHCP_SCRIPT = `#!/bin/sh
case "$1" in
  deconfig) ip -4 addr flush dev "$interface" ;;
  bound|renew) ip -4 addr flush dev "$interface"; ip addr add "$ip/\${mask:-24}" dev "$interface" ;;
esac
`;

/** The guest user, the key, the bridge and dnsmasq, every guest, then the project files once all listen. */
export async function buildNetnsGuests(record: LabRecord): Promise<void> {
  const p = paths(record.dir);
  await run('useradd', ['--no-create-home', '--home-dir', p.home, '--shell', '/bin/sh', '--comment', 'ragnatramp lab guest user', record.user]);
  await run('usermod', ['--password', '*', record.user]); // no password, but not locked: key login works
  await mkdir(p.home, { recursive: true });
  const uid = Number((await run('id', ['-u', record.user])).trim());
  await chown(p.home, uid, uid);
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `ragnatramp-lab-${record.id}`, '-f', p.key]);
  await writeFile(p.authorizedKeys, await readFile(`${p.key}.pub`));
  await writeFile(p.dhcpScript, DHCP_SCRIPT, { mode: 0o755 });
  await startNetwork(record);

  await mkdir('/run/sshd', { recursive: true });
  if (!existsSync(BACKUP_MOUNTPOINT)) {
    await writeFile(BACKUP_MOUNTPOINT, '', { mode: 0o644 });
    record.createdBackupMountpoint = true;
    await saveRecord(record);
  }
  await Promise.all(record.guests.map((g) => buildGuest(record, g)));
  await waitForLeases(record);
  await saveRecord(record);
  await Promise.all(record.guests.map((g) => waitForPort(g.ip, 22)));
  await writeProjectFiles(record);
}

async function buildGuest(record: LabRecord, g: LabGuest): Promise<void> {
  const etc = `/etc/netns/${g.netns}`;
  await mkdir(path.join(etc, 'sudoers.d'), { recursive: true });
  await writeFile(path.join(etc, 'hosts'), ubuntuHostsFile(os.hostname()), { mode: 0o644 });
  await writeFile(path.join(etc, 'hosts.ragnatramp.bak'), '', { mode: 0o644 });
  // Each guest its own /etc/machine-id, as a freshly installed VM has (a clone test overwrites
  // it in place: the bind mount follows the file, not its name).
  await writeFile(path.join(etc, 'machine-id'), `${randomBytes(16).toString('hex')}\n`, { mode: 0o444 });
  await setSudoRule(record, g, 'nopasswd');
  await run('ip', ['netns', 'add', g.netns]);
  await run('ip', ['link', 'add', g.veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', g.netns, 'address', g.mac]);
  await run('ip', ['link', 'set', g.veth, 'master', record.bridge, 'up']);
  await run('ip', ['-n', g.netns, 'link', 'set', 'lo', 'up']);
  await run('ip', ['-n', g.netns, 'link', 'set', 'eth0', 'up']);
  await mkdir(g.dir, { recursive: true });
  await run('ip', ['netns', 'exec', g.netns, 'udhcpc', '-i', 'eth0', '-s', paths(record.dir).dhcpScript, '-p', path.join(g.dir, 'udhcpc.pid'), '-B', '-b', '-t', '10', '-T', '1', '-A', '2', '-x', `hostname:${g.machine}`]);
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(g.dir, 'ssh_host_ed25519_key')]);
  await writeFile(
    path.join(g.dir, 'sshd_config'),
    [
      'ListenAddress 0.0.0.0:22',
      `HostKey ${path.join(g.dir, 'ssh_host_ed25519_key')}`,
      `PidFile ${path.join(g.dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${paths(record.dir).authorizedKeys}`,
      'StrictModes no',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      `AllowUsers ${record.user}`,
      'PrintMotd no',
      'MaxStartups 200',
      'MaxSessions 64',
      '',
    ].join('\n'),
  );
  await startSshd(g);
}

export async function startSshd(g: LabGuest): Promise<void> {
  await run('ip', ['netns', 'exec', g.netns, '/usr/sbin/sshd', '-f', path.join(g.dir, 'sshd_config'), '-E', path.join(g.dir, 'sshd.log')]);
}

export async function setSudoRule(record: LabRecord, g: LabGuest, mode: 'nopasswd' | 'password'): Promise<void> {
  const file = `/etc/netns/${g.netns}/sudoers.d/${record.user}`;
  await writeFile(file, `${record.user} ALL=(ALL) ${mode === 'nopasswd' ? 'NOPASSWD: ' : ''}ALL\n`);
  await chmod(file, 0o440);
}

/** Every netns guest's namespace, processes, veth and /etc/netns files; the backup mountpoint when no other lab needs it. */
export async function removeNetnsGuests(record: LabRecord): Promise<void> {
  for (const g of record.guests.filter((x) => x.netns)) {
    if (existsSync(`/run/netns/${g.netns}`)) {
      const pids = (await run('ip', ['netns', 'pids', g.netns]).catch(() => '')).split('\n').filter(Boolean);
      for (const pid of pids) await runQuietly('kill', ['-CONT', pid]); // a frozen sshd cannot die stopped
      for (const pid of pids) await runQuietly('kill', ['-KILL', pid]);
      await runQuietly('ip', ['netns', 'del', g.netns]);
    }
    await runQuietly('ip', ['link', 'del', g.veth]);
    await rm(`/etc/netns/${g.netns}`, { recursive: true, force: true });
  }
  if (record.createdBackupMountpoint && !(await otherLabsUseBackupMountpoint(record))) await rm(BACKUP_MOUNTPOINT, { force: true });
}

async function otherLabsUseBackupMountpoint(record: LabRecord): Promise<boolean> {
  const others = (await readdir('/etc/netns').catch(() => [] as string[])).filter((ns) => !ns.startsWith(`rtl${record.id}g`));
  return others.some((ns) => existsSync(`/etc/netns/${ns}/hosts.ragnatramp.bak`));
}
