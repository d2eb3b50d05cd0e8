// quickemu's files as quickemu 4.9.9 itself writes them (configure_ports, VMDIR, -pidfile).
import { describe, expect, it } from 'vitest';
import { networkOf, parseConf, parsePid, parsePorts, vmPaths } from './quickemu-files.js';

describe("quickemu's files", () => {
  it('reads a quickget .conf: quoted values, comments, arrays skipped, nothing expanded', () => {
    const conf = parseConf(['#!/usr/bin/quickemu --vm', 'guest_os="linux"', 'disk_img="ubuntu-24.04/disk.qcow2"', "iso='ubuntu-24.04/ubuntu.iso'", 'ram=4G   # enough', 'port_forwards=("8123:8123" "8888:80")', 'public_dir="$HOME/Public"', 'network="br0"', 'macaddr="52:54:00:AB:CD:01"', ''].join('\n'));
    expect(conf.values).toEqual({ guest_os: 'linux', disk_img: 'ubuntu-24.04/disk.qcow2', iso: 'ubuntu-24.04/ubuntu.iso', ram: '4G', public_dir: '$HOME/Public', network: 'br0', macaddr: '52:54:00:AB:CD:01' });
    expect(conf.expanded).toEqual(['public_dir']);
  });

  it('a command substitution is never run, only named', () => {
    const conf = parseConf('disk_img="$(touch /tmp/pwned)/disk.qcow2"\nx=`id`\n');
    expect(conf.values['disk_img']).toBe('$(touch /tmp/pwned)/disk.qcow2');
    expect(conf.expanded).toEqual(['disk_img']);
    expect(conf.values['x']).toBeUndefined(); // unquoted backticks are not a plain value
  });

  it('finds the files where quickemu puts them: VMDIR is dirname(disk_img), named after the .conf', () => {
    const p = vmPaths('/vms/server.conf', parseConf('disk_img="server/disk.qcow2"'));
    expect(p).toEqual({
      name: 'server',
      dir: '/vms/server',
      disk: '/vms/server/disk.qcow2',
      pid: '/vms/server/server.pid',
      pidArg: 'server/server.pid',
      ports: '/vms/server/server.ports',
      log: '/vms/server/server.log',
      serial: '/vms/server/server-serial.socket',
      agent: '/vms/server/server-agent.sock',
      monitor: '/vms/server/server-monitor.socket',
    });
    expect(vmPaths('/vms/a.conf', parseConf('disk_img="/data/a/disk.raw"'))).toMatchObject({ dir: '/data/a', pid: '/data/a/a.pid', pidArg: '/data/a/a.pid' });
  });

  it('without disk_img VMDIR is `dirname ""`, the .conf\'s own folder, and the disk disk.<disk_format> there', () => {
    expect(vmPaths('/vms/web.conf', parseConf(''))).toMatchObject({ dir: '/vms', disk: '/vms/disk.qcow2', pid: '/vms/web.pid', pidArg: './web.pid', agent: '/vms/web-agent.sock' });
    expect(vmPaths('/vms/web.conf', parseConf('disk_format="raw"')).disk).toBe('/vms/disk.raw');
  });

  it('reads the ssh forward from .ports and a pid from .pid', () => {
    expect(parsePorts('ssh,22221\nspice,5930\n')).toEqual({ ssh: 22221 });
    expect(parsePorts('spice,5930\nmonitor-telnet,4440,localhost\n')).toEqual({ ssh: null });
    expect(parsePorts('ssh,99999\n')).toEqual({ ssh: null });
    expect(parsePid('4242\n')).toBe(4242);
    expect(parsePid('')).toBeNull();
    expect(parsePid('-1')).toBeNull();
  });

  it("maps quickemu's network setting", () => {
    expect(networkOf(parseConf(''))).toEqual({ kind: 'user', restricted: false });
    expect(networkOf(parseConf('network="restrict"'))).toEqual({ kind: 'user', restricted: true });
    expect(networkOf(parseConf('network="none"'))).toEqual({ kind: 'none' });
    expect(networkOf(parseConf('network="virbr0"'))).toEqual({ kind: 'bridge', bridge: 'virbr0' });
    expect(networkOf(parseConf('bridge="br0"'))).toEqual({ kind: 'bridge', bridge: 'br0' }); // quickemu ≤ 4.0
  });
});
