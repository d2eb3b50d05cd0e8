// The provider on real files and real processes: a VM runs when its pid file names a live process
// started as quickemu starts QEMU, whose name is the VM's (`-name <vm>,process=<vm>`,
// quickemu:1693-1695); a process merely called qemu that was given another pid file is not it.
// A silent guest agent is not asked again at every pass.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { QuickemuProvider } from './quickemu-provider.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'rt-qe-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** A process whose /proc/<pid>/comm is `comm` (the name it was exec'd by), with QEMU's argv[0] and these arguments. */
async function start(comm: string, args: string[]): Promise<number> {
  const exe = path.join(dir, 'bin', comm);
  mkdirSync(path.dirname(exe), { recursive: true });
  symlinkSync(process.execPath, exe);
  const child = spawn(exe, ['-e', 'setTimeout(() => {}, 60000)', '--', ...args], { cwd: dir, argv0: '/usr/bin/qemu-system-x86_64', stdio: 'ignore' });
  children.push(child);
  await new Promise((r) => child.once('spawn', r));
  return child.pid!;
}

describe.skipIf(process.platform !== 'linux')('QuickemuProvider on Linux', () => {
  it("a QEMU named after its VM is running; a process called qemu that holds another VM's pid file is not this VM", async () => {
    for (const vm of ['debian-12', 'ubuntu']) {
      writeFileSync(path.join(dir, `${vm}.conf`), `guest_os="linux"\ndisk_img="${vm}/disk.qcow2"\n`);
      mkdirSync(path.join(dir, vm));
      writeFileSync(path.join(dir, vm, 'disk.qcow2'), '');
    }
    const real = await start('debian-12', ['-name', 'debian-12,process=debian-12,debug-threads=on', '-pidfile', 'debian-12/debian-12.pid']);
    writeFileSync(path.join(dir, 'debian-12', 'debian-12.pid'), `${real}\n`);
    expect((await readFile(`/proc/${real}/comm`, 'utf8')).trim()).toBe('debian-12');
    // ubuntu's QEMU died; its pid now belongs to another VM's QEMU (pid reuse).
    const other = await start('qemu-system-x86', ['-pidfile', 'fedora/fedora.pid']);
    writeFileSync(path.join(dir, 'ubuntu', 'ubuntu.pid'), `${other}\n`);
    const refs = ['debian-12', 'ubuntu'].map((m) => ({ project: 'p', machineName: m, vmName: m, vmId: null }));
    const seen = await new QuickemuProvider(dir).observe(refs, new Date().toISOString());
    expect(seen.map((o) => [o.ref.machineName, o.power, o.vmState])).toEqual([
      ['debian-12', 'running', 'running'],
      ['ubuntu', 'off', 'stopped'],
    ]);
  });

  it('a guest agent that stayed silent is not asked at the next passes, only once its VM has a new QEMU', async () => {
    const folder = path.join(dir, 'agents');
    mkdirSync(path.join(folder, 'box'), { recursive: true });
    writeFileSync(path.join(folder, 'box.conf'), 'disk_img="box/disk.qcow2"\nnetwork="br0"\nmacaddr="52:54:00:00:00:01"\n');
    writeFileSync(path.join(folder, 'box', 'disk.qcow2'), '');
    writeFileSync(path.join(folder, 'box', 'box.pid'), '4242\n');
    const server = net.createServer(() => undefined).listen(path.join(folder, 'box', 'box-agent.sock'));
    await new Promise((r) => server.once('listening', r));
    let pid = 4242;
    const lookup = async (p: number) => (p === pid ? { argv: ['/usr/bin/qemu-system-x86_64', '-pidfile', 'box/box.pid'], command: '', cwd: folder, startedMs: 0 } : null);
    let asked = 0;
    const agent = async () => (asked++, { error: 'the guest agent did not answer within 2 s (is qemu-guest-agent running in the guest?)', silent: true as const });
    const provider = new QuickemuProvider(folder, async () => '[]', lookup, agent);
    const refs = [{ project: 'p', machineName: 'box', vmName: 'box', vmId: null }];
    for (let i = 0; i < 3; i++) expect((await provider.observe(refs, new Date().toISOString()))[0]!.detail).toMatchObject({ agent: { state: 'no answer' } });
    expect(asked).toBe(1);
    pid = 4343; // the VM was restarted
    writeFileSync(path.join(folder, 'box', 'box.pid'), '4343\n');
    await provider.observe(refs, new Date().toISOString());
    expect(asked).toBe(2);
    server.close();
  });
});
