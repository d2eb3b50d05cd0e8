// Break 6 (issue 19): quickemu's state files sit in the user's folder, where anything may be put in
// their place. A FIFO as `<vm>.pid` or `<vm>.ports` held a libuv pool thread in open(2) for ever
// and the pass never ended; a link to /dev/zero was read without end. Now each is opened only if
// it is a regular file of a few KiB (opened with O_NONBLOCK, then checked with fstat): the VM
// reads as stopped and the pass ends at once.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { QuickemuProvider } from '../../main/engine/providers/quickemu/quickemu-provider.js';
import { readSmallFile, readTail } from '../../main/engine/discovery/read-tail.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'rt-qe-attack-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A folder with one VM `web` that quickemu has started once; `plant` puts something in a state file's place. */
function folder(name: string, plant: (vmDir: string) => void): string {
  const dir = path.join(root, name);
  mkdirSync(path.join(dir, 'web'), { recursive: true });
  writeFileSync(path.join(dir, 'web.conf'), 'guest_os="linux"\ndisk_img="web/disk.qcow2"\n');
  writeFileSync(path.join(dir, 'web', 'disk.qcow2'), '');
  plant(path.join(dir, 'web'));
  return dir;
}

/** One pass, or 'hung' if it has not ended after 3 s. */
async function pass(dir: string): Promise<string> {
  const ref = { project: 'p', machineName: 'web', vmName: 'web', vmId: null };
  const observed = new QuickemuProvider(dir).observe([ref], new Date().toISOString()).then((o) => `${o[0]!.power} ${o[0]!.vmState}`);
  return Promise.race([observed, new Promise<string>((r) => setTimeout(() => r('hung'), 3_000).unref())]);
}

describe.skipIf(process.platform === 'win32')("quickemu's state files are read only when they are small regular files", () => {
  it('a FIFO as the pid file: the pass ends and the VM reads as stopped', async () => {
    const dir = folder('fifo-pid', (vm) => execFileSync('mkfifo', [path.join(vm, 'web.pid')]));
    expect(await pass(dir)).toBe('off stopped');
  });

  it('a FIFO as the ports file: the pass ends', async () => {
    const dir = folder('fifo-ports', (vm) => execFileSync('mkfifo', [path.join(vm, 'web.ports')]));
    expect(await pass(dir)).toBe('off stopped');
  });

  it('a link to /dev/zero, a device, a huge file or a FIFO is never read', async () => {
    const dir = path.join(root, 'reader');
    mkdirSync(dir);
    symlinkSync('/dev/zero', path.join(dir, 'zero'));
    execFileSync('mkfifo', [path.join(dir, 'fifo')]);
    symlinkSync(path.join(dir, 'fifo'), path.join(dir, 'to-fifo'));
    writeFileSync(path.join(dir, 'big'), Buffer.alloc(65 * 1024, '1'));
    writeFileSync(path.join(dir, 'pid'), '4242\n');
    for (const f of ['zero', 'fifo', 'to-fifo', 'big', 'missing']) expect(await readSmallFile(path.join(dir, f))).toBeNull();
    expect(await readSmallFile('/dev/null')).toBeNull();
    expect((await readSmallFile(path.join(dir, 'pid')))?.text).toBe('4242\n');
    expect(await readTail(path.join(dir, 'fifo'))).toBeNull();
    expect(await readTail(path.join(dir, 'zero'))).toBeNull();
  });
});
