// The libvirt provider against a real libvirtd (started without systemd inside the lab's
// namespace) and real QEMU VMs of type 'qemu': two guests with DHCP leases from libvirt's
// dnsmasq on a network whose name holds spaces, one with a fixed address that only its real
// qemu-guest-agent reports, and one on the user-mode network (SLIRP), whose agent reports
// 10.0.2.15. The tray runs where the guests' network is, inside the namespace, as a separate
// process, in German (libvirt-l10n translates virsh's words); virsh reaches the daemon's socket
// from anywhere. Then a developer's own qemu:///session. The VMs boot once per block (one
// libvirtd at a time: the blocks run one after the other).
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { mkdir, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LibvirtProvider } from '../../main/engine/providers/libvirt/libvirt-provider.js';
import { isRoot, traversableTempDir, useLab } from '../test-support/lab-fixture.js';
import { asSessionUser, inLabNetns, sessionHome, virsh, waitForPortInNetns } from './lab-libvirt.js';
import { labDown } from './lab.js';
import { run } from './run-command.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
const CLI = path.join(ROOT, 'main', 'cli', 'ragnatramp-tray.ts');

interface JsonVm {
  machineName: string;
  status: string;
  ipv4: string | null;
  tier: string | null;
  warnings: string[];
}

/** A user's German desktop session: virsh then says 'laufend' for 'running' (libvirt-l10n). */
const GERMAN = { LANG: 'de_DE.UTF-8', LANGUAGE: 'de' };
const { LC_ALL: _userLcAll, ...USER_ENV } = process.env;

describe.skipIf(!isRoot)('the libvirt provider on a real libvirtd', () => {
  const lab = useLab(4, { kind: 'libvirt', staticIp: 1, userNet: 1 });
  const home = traversableTempDir();
  const onNetwork = () => lab().record.guests.filter((g) => g.network !== 'user');

  /**
   * The CLI inside the lab's namespace, in German; `args` name the provider (the tray's settings
   * name none). `prefix` runs before it (inside the namespace).
   */
  function cliWith(args: string[], prefix: string[] = []): Promise<{ code: number; out: string; err: string }> {
    const argv = ['netns', 'exec', lab().record.hostNetns!, ...prefix, TSX, CLI, ...args, '--config', lab().paths.config, '--known-hosts', path.join(home, 'known_hosts.json')];
    return new Promise((resolve) => {
      execFile('ip', argv, { timeout: 120_000, env: { ...USER_ENV, ...GERMAN, RAGNATRAMP_TRAY_HOME: home } }, (err, out, errText) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out, err: errText }));
    });
  }
  const cli = (args: string[]) => cliWith([...args, '--libvirt', 'qemu:///system']);
  const status = async () => (JSON.parse((await cli(['status', '--json'])).out) as { projects: Array<{ vms: JsonVm[] }> }).projects[0]!.vms;
  const guestSsh = (machine: string, command: string) =>
    inLabNetns(lab().record, 'ssh', ['-i', lab().paths.key, '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', `root@${lab().guest(machine).ip}`, command]);

  it('the lab is what it claims: virsh speaks German here, the network has spaces in its name, the user-mode guest\'s agent reports 10.0.2.15', async () => {
    const g4 = lab().guest('guest4');
    const german = await new Promise<string>((resolve) => execFile('virsh', ['-c', 'qemu:///system', 'domstate', '--domain', g4.vmId], { env: { ...USER_ENV, ...GERMAN } }, (_e, out) => resolve(out)));
    expect(german.trim()).toBe('laufend');
    expect(await virsh(['net-list', '--name'])).toContain(`${lab().record.bridge} lab net`);
    // The guest boots, leases from SLIRP and starts its agent: wait until the agent says so.
    await expect.poll(() => virsh(['domifaddr', '--domain', g4.vmId, '--full', '--source', 'agent']).catch(() => ''), { timeout: 150_000, interval: 2_000 }).toMatch(/ipv4\s+10\.0\.2\.15\//);
  }, 180_000);

  it("finds each VM through libvirt's leases, the fixed-address one through its guest agent, and says why the user-mode one has no address", async () => {
    const [g1, g2, g3] = lab().record.guests;
    const vms = await status();
    expect(vms.map((v) => [v.machineName, v.status, v.ipv4, v.tier])).toEqual([
      ['guest1', 'running', g1!.ip, 'lease'],
      ['guest2', 'running', g2!.ip, 'lease'],
      ['guest3', 'running', g3!.ip, 'agent'],
      ['guest4', 'initializing', null, null],
    ]);
    expect(vms[3]!.warnings.join('\n')).toContain("is on libvirt's user-mode network (<interface type='user'>, SLIRP)");
  }, 120_000);

  it("doctor checks libvirt on this host (issue 23): virsh, the URI, and the network the VMs use, whose name holds spaces", async () => {
    // doctor takes no --known-hosts (it pins nothing of its own): the CLI without it, as cliWith runs it.
    const r = await new Promise<{ out: string; err: string }>((resolve) =>
      execFile('ip', ['netns', 'exec', lab().record.hostNetns!, TSX, CLI, 'doctor', '--config', lab().paths.config, '--libvirt', 'qemu:///system'], { timeout: 120_000, env: { ...USER_ENV, ...GERMAN, RAGNATRAMP_TRAY_HOME: home } }, (_e, out, err) => resolve({ out, err })),
    );
    expect(r.err).toBe('');
    expect(r.out).toMatch(/^PASS {2}virsh installed: \d+\.\d+\.\d+$/m);
    expect(r.out).toMatch(/^PASS {2}libvirt at qemu:\/\/\/system answers: qemu:\/\/\/system; runs QEMU \d+\.\d+\.\d+$/m);
    expect(r.out).toContain(`PASS  Network ${lab().record.bridge} lab net: active, used by guest1, guest2, guest3\n`);
  }, 120_000);

  // One libvirt host serving several developers: the tray reaches libvirtd over qemu+ssh, whose
  // OpenSSH checks the host's key against the known_hosts given it (never switched off).
  it('a remote URI (qemu+ssh): leases and the agent through the API, no neighbour table of its host', async () => {
    const r = lab().record;
    const dir = path.join(home, 'remote');
    mkdirSync(path.join(dir, '.ssh'), { recursive: true, mode: 0o700 });
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'host_key')]);
    writeFileSync(path.join(dir, 'sshd_config'), [`ListenAddress ${r.gateway}:22`, `HostKey ${path.join(dir, 'host_key')}`, `PidFile ${path.join(dir, 'sshd.pid')}`, `AuthorizedKeysFile ${lab().paths.key}.pub`, 'PermitRootLogin prohibit-password', 'StrictModes no', 'UsePAM no', 'PasswordAuthentication no', ''].join('\n'));
    await mkdir('/run/sshd', { recursive: true });
    await inLabNetns(r, '/usr/sbin/sshd', ['-f', path.join(dir, 'sshd_config')]);
    try {
      // OpenSSH reads ~/.ssh from the passwd entry, not $HOME, and the tray refuses libvirt's
      // `command` (a URI must not name a program): the host's pinned key is where the user's own
      // would be, in a known_hosts under the account's home, bind-mounted over it for this run.
      const knownHosts = path.join(dir, '.ssh', 'known_hosts');
      writeFileSync(knownHosts, `${r.gateway} ${readFileSync(path.join(dir, 'host_key.pub'), 'utf8').split(' ').slice(0, 2).join(' ')}\n`);
      const uri = `qemu+ssh://root@${r.gateway}/system?keyfile=${lab().paths.key}&no_tty=1`;
      const asHome = ['unshare', '--mount', 'sh', '-c', 'mount --bind "$0" "$1" && shift && exec "$@"', dir, userInfo().homedir];
      const out = await cliWith(['status', '--json', '--libvirt', uri], asHome);
      expect(out.err).toBe('');
      const vms = (JSON.parse(out.out) as { projects: Array<{ vms: JsonVm[] }> }).projects[0]!.vms;
      expect(vms.map((v) => [v.machineName, v.ipv4, v.tier])).toEqual(r.guests.map((g) => (g.network === 'user' ? [g.machine, null, null] : [g.machine, g.ip, g.staticIp ? 'agent' : 'lease'])));
    } finally {
      await run('kill', [readFileSync(path.join(dir, 'sshd.pid'), 'utf8').trim()]).catch(() => undefined);
    }
  }, 120_000);

  it("reconcile writes every networked guest's real /etc/hosts, and they resolve each other by name; the user-mode guest's 10.0.2.15 is in none", async () => {
    const r = await cli(['reconcile', '--wait', '0']);
    const block = onNetwork().map((g) => `${g.ip} ${g.machine}`).join('\n');
    for (const g of onNetwork()) {
      const hosts = await guestSsh(g.machine, 'cat /etc/hosts');
      expect(hosts).toContain(`# Managed by ragnatramp - do not edit this block\n${block}\n# END RAGNATRAMP\n`);
      expect(hosts).not.toContain('10.0.2.15');
    }
    expect(r.code, r.out + r.err).toBe(0);
    await expect(guestSsh('guest1', 'ping -c 1 -W 5 guest3 >/dev/null && echo ok')).resolves.toBe('ok\n');
  }, 120_000);

  it('with its agent stopped, the fixed-address VM is found in the neighbour table', async () => {
    await guestSsh('guest3', 'kill $(pidof qemu-ga)');
    await waitForPortInNetns(lab().record, lab().guest('guest3').ip, 10_000); // traffic: a fresh neighbour entry
    const vm = (await status()).find((v) => v.machineName === 'guest3')!;
    expect([vm.ipv4, vm.tier]).toEqual([lab().guest('guest3').ip, 'arp']);
  }, 120_000);

  it('watching: virsh\'s event stream hints at a pass when a domain stops; the stopped VM reads stopped', async () => {
    const provider = new LibvirtProvider('qemu:///system');
    let hints = 0;
    const stop = provider.watch((): void => void hints++);
    try {
      await new Promise((r) => setTimeout(r, 1000)); // the stream is listening
      await virsh(['destroy', '--domain', lab().guest('guest2').vmId]);
      await expect.poll(() => hints, { timeout: 20_000 }).toBeGreaterThan(0);
    } finally {
      stop();
    }
    expect((await status()).find((v) => v.machineName === 'guest2')).toMatchObject({ status: 'stopped', ipv4: null });
    await virsh(['start', '--domain', lab().guest('guest2').vmId]);
    await waitForPortInNetns(lab().record, lab().guest('guest2').ip, 180_000);
  }, 240_000);
});

// A developer's own libvirtd: qemu:///session of an unprivileged account, started by virsh on
// first use, its guests on taps the account owns on a bridge the host's admin set up. A session
// has no libvirt network, so no lease tier: the guest agent reports the addresses. The tray runs
// as that account, as it would on the developer's machine.
describe.skipIf(!isRoot)('the libvirt provider on qemu:///session, run by an unprivileged user', () => {
  const lab = useLab(2, { kind: 'libvirt', session: true });
  const home = traversableTempDir();
  // The account runs the CLI from this checkout. One under a folder others cannot walk (/root,
  // say) is bind-mounted where they can, for this block only.
  let repo = ROOT;
  let mountpoint: string | null = null;
  beforeAll(async () => {
    if (!isRoot || (await asSessionUser(lab().record, 'test', ['-r', CLI]).then(() => true, () => false))) return;
    mountpoint = `/tmp/rtl${lab().record.id}-repo`;
    await mkdir(mountpoint);
    await run('mount', ['--bind', ROOT, mountpoint]);
    repo = mountpoint;
  });
  afterAll(async () => {
    if (!mountpoint) return;
    await run('umount', [mountpoint]);
    await rmdir(mountpoint); // never rm -r: while mounted, that would empty the checkout
  });
  const asDeveloper = (args: string[]) => {
    const home = sessionHome(lab().record);
    const [tsx, cli] = [TSX, CLI].map((f) => path.join(repo, path.relative(ROOT, f)));
    return asSessionUser(lab().record, tsx!, [cli!, ...args, '--config', lab().paths.config, '--known-hosts', path.join(home, 'known_hosts.json'), '--libvirt', 'qemu:///session'], { RAGNATRAMP_TRAY_HOME: path.join(home, 'tray') }, 120_000);
  };

  it("finds the session's VMs through their guest agents; qemu:///system has none of them", async () => {
    const vms = (JSON.parse(await asDeveloper(['status', '--json'])) as { projects: Array<{ vms: JsonVm[] }> }).projects[0]!.vms;
    expect(vms.map((v) => [v.machineName, v.status, v.ipv4, v.tier])).toEqual(lab().record.guests.map((g) => [g.machine, 'running', g.ip, 'agent']));
    // The same project through the system daemon (as root, with a tray home of its own).
    const asRoot = await new Promise<string>((resolve) => {
      const argv = ['netns', 'exec', lab().record.hostNetns!, TSX, CLI, 'status', '--json', '--config', lab().paths.config, '--known-hosts', path.join(home, 'known_hosts.json'), '--libvirt', 'qemu:///system'];
      execFile('ip', argv, { timeout: 120_000, env: { ...process.env, RAGNATRAMP_TRAY_HOME: home } }, (_err, out) => resolve(out));
    });
    expect((JSON.parse(asRoot) as { projects: Array<{ vms: JsonVm[] }> }).projects[0]!.vms.map((v) => v.status)).toEqual(['missing', 'missing']);
  }, 120_000);

  it("reconcile, run by that user, writes both guests' real /etc/hosts", async () => {
    await asDeveloper(['reconcile', '--wait', '0']);
    const block = lab().record.guests.map((g) => `${g.ip} ${g.machine}`).join('\n');
    for (const g of lab().record.guests) {
      const hosts = await inLabNetns(lab().record, 'ssh', ['-i', lab().paths.key, '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', `root@${g.ip}`, 'cat /etc/hosts']);
      expect(hosts).toContain(`# Managed by ragnatramp - do not edit this block\n${block}\n# END RAGNATRAMP\n`);
    }
  }, 120_000);

  // Last: the fixture's own down then finds nothing left to do.
  it('down leaves nothing: the account, its home, its daemons and VMs, the taps, and /dev/net/tun as it was', async () => {
    const r = lab().record;
    await labDown(r.dir);
    await expect(run('id', [r.user])).rejects.toThrow();
    expect(existsSync(sessionHome(r))).toBe(false);
    expect(await run('ip', ['netns', 'list'])).not.toContain(r.hostNetns!);
    expect(await run('ip', ['-br', 'link'])).not.toContain(`rtl${r.id}`);
    const procs = await run('ps', ['-eo', 'stat,args']);
    expect(procs.split('\n').filter((l) => !l.startsWith('Z') && (l.includes(r.dir) || l.includes(sessionHome(r))))).toEqual([]);
    if (r.tunMode !== undefined) expect(statSync('/dev/net/tun').mode & 0o777).toBe(r.tunMode);
  }, 60_000);
});
