// Break 4 (deadline half): one guest's CPU work in the engine (a 5 MB hosts file merged in
// quadratic time) blocked the event loop past every other guest's deadline, and guests that had
// answered in time were reported as "no answer ... hung". A deadline now counts only the time
// the engine was free to hear the guest; and a hosts file too large to be one is refused.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MAX_HOSTS_BYTES } from '../../main/engine/hosts/hosts-block.js';
import { READ_HOSTS_COMMAND } from '../../main/engine/ssh/remote-hosts-write.js';
import type { ExecResult, SshConnector, SshTarget } from '../../main/engine/ssh/ssh-session.js';
import { syncHostsFiles } from '../../main/engine/ssh/sync-hosts.js';

const block = '# BEGIN RAGNATRAMP\n# Managed by ragnatramp - do not edit this block\n172.18.0.2 web\n# END RAGNATRAMP\n';
const target = (machineName: string): SshTarget => ({ machineName, host: machineName, port: 22, user: 'u', privateKeyPath: '/k', hostKeyAlias: machineName });
const ok = (stdout: string | Buffer): ExecResult => ({ code: 0, signal: null, stdout: Buffer.isBuffer(stdout) ? stdout : Buffer.from(stdout), stderr: Buffer.alloc(0) });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

describe("one guest's work cannot spend another guest's deadline", () => {
  it('guests that answered while the loop was blocked are synced, not reported hung', async () => {
    const connector: SshConnector = {
      async connect(t) {
        return {
          exec: async (command) => {
            if (t.machineName === 'heavy') {
              await sleep(5);
              busy(800); // CPU work in the engine's thread, as a huge merge was
              return ok(command === READ_HOSTS_COMMAND ? '127.0.0.1 localhost\n' : 'ok renamed\n');
            }
            await sleep(10);
            // The answer arrives as real I/O: it waits in the poll phase, behind expired timers.
            await readFile(fileURLToPath(import.meta.url));
            return ok(command === READ_HOSTS_COMMAND ? '127.0.0.1 localhost\n' : 'ok renamed\n');
          },
          close: () => undefined,
          isOpen: () => true,
        };
      },
    };
    const out = await syncHostsFiles(['heavy', 'a', 'b', 'c'].map((m) => ({ target: target(m), block })), connector, { concurrency: 8, timeoutMs: 300 });
    expect(out.map((o) => [o.machineName, o.success, o.error ?? null])).toEqual([
      ['heavy', true, null],
      ['a', true, null],
      ['b', true, null],
      ['c', true, null],
    ]);
  });

  it('a guest that really does not answer is still cut off at its deadline', async () => {
    const connector: SshConnector = {
      async connect() {
        return { exec: () => new Promise<ExecResult>(() => undefined), close: () => undefined, isOpen: () => true };
      },
    };
    const [out] = await syncHostsFiles([{ target: target('hung'), block }], connector, { concurrency: 1, timeoutMs: 200 });
    expect(out).toMatchObject({ success: false, error: "no answer from 'hung' within 0 s (is the guest hung?)" });
  });

  it('a guest hosts file larger than the cap is refused with a clear error; the others are synced', async () => {
    const huge = Buffer.alloc(MAX_HOSTS_BYTES + 1, 0x23);
    const writes: string[] = [];
    const connector: SshConnector = {
      async connect(t) {
        return {
          exec: async (command) => {
            if (command === READ_HOSTS_COMMAND) return ok(t.machineName === 'big' ? huge : '127.0.0.1 localhost\n');
            writes.push(t.machineName);
            return ok('ok renamed\n');
          },
          close: () => undefined,
          isOpen: () => true,
        };
      },
    };
    const out = await syncHostsFiles(['big', 'small'].map((m) => ({ target: target(m), block })), connector, { concurrency: 2, timeoutMs: 5000 });
    expect(out[0]).toMatchObject({ success: false, error: expect.stringMatching(/^\/etc\/hosts in the guest is larger than 8 MiB.*left as it was/) });
    expect(out[1]).toMatchObject({ success: true, changed: true });
    expect(writes).toEqual(['small']);
    expect(READ_HOSTS_COMMAND).toBe(`exec head -c ${MAX_HOSTS_BYTES + 1} /etc/hosts`);
  });
});
