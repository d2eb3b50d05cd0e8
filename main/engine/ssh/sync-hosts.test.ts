// Hosts sync at the SSH seam: fake sessions that behave like guests in the ways that matter.
import { describe, expect, it } from 'vitest';
import { parseWriteCommand, READ_HOSTS_COMMAND, sha256Hex, WRITE_EXIT } from './remote-hosts-write.js';
import { SshError, type ExecResult, type SshConnector, type SshTarget } from './ssh-session.js';
import { syncHostsFiles } from './sync-hosts.js';

const block = '# BEGIN RAGNATRAMP\n# Managed by ragnatramp - do not edit this block\n172.18.0.2 web\n# END RAGNATRAMP\n';
const target = (machineName: string): SshTarget => ({ machineName, host: `h-${machineName}`, port: 22, user: 'u', privateKeyPath: '/k', hostKeyAlias: machineName });
const res = (code: number, stdout = '', stderr = ''): ExecResult => ({ code, signal: null, stdout: Buffer.from(stdout, 'latin1'), stderr: Buffer.from(stderr) });

function connector(behaviour: Record<string, { hosts?: string; connect?: Error; read?: ExecResult; write?: ExecResult; delayMs?: number }>) {
  let active = 0;
  const stats = { maxActive: 0, writes: [] as string[], closed: 0 };
  const c: SshConnector = {
    async connect(t) {
      const b = behaviour[t.machineName]!;
      if (b.connect) throw b.connect;
      active++;
      stats.maxActive = Math.max(stats.maxActive, active);
      return {
        exec: async (command, stdin) => {
          await new Promise((r) => setTimeout(r, b.delayMs ?? 5));
          if (command === READ_HOSTS_COMMAND) return b.read ?? res(0, b.hosts ?? '');
          expect(parseWriteCommand(command)).not.toBeNull();
          stats.writes.push(`${t.machineName}:${stdin!.toString('latin1')}`);
          return b.write ?? res(0, 'ok renamed\n');
        },
        close: () => {
          active--;
          stats.closed++;
        },
        isOpen: () => true,
      };
    },
  };
  return { c, stats };
}

describe('syncHostsFiles', () => {
  it('writes only where the content differs, never more guests at once than allowed, closing every session', async () => {
    const behaviour = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`m${i}`, { hosts: i % 3 === 0 ? `127.0.0.1 localhost\n${block}` : '127.0.0.1 localhost\n', delayMs: 20 }]));
    const { c, stats } = connector(behaviour);
    const out = await syncHostsFiles(Object.keys(behaviour).map((m) => ({ target: target(m), block })), c, { concurrency: 3, timeoutMs: 5000 });
    expect(out.map((o) => o.changed)).toEqual([false, true, true, false, true, true, false, true, true]);
    expect(out.every((o) => o.success && !o.skipped)).toBe(true);
    expect(stats.maxActive).toBeLessThanOrEqual(3);
    expect(stats.closed).toBe(9);
    expect(stats.writes[0]).toBe(`m1:127.0.0.1 localhost\n${block}`);
  });

  it('isolates failures per VM, each with its own message', async () => {
    const { c } = connector({
      down: { connect: new SshError('SSH port refused at h-down:22: is sshd running in the guest?', 'unreachable') },
      unreadable: { read: res(1, '', 'cat: /etc/hosts: Permission denied\n') },
      readonly: { hosts: 'x\n', write: res(14, '', 'sh: 1: cannot create /etc/hosts: Read-only file system\n') },
      partial: { hosts: 'x\n# BEGIN RAGNATRAMP\n1.1.1.1 old\n' },
      fine: { hosts: 'x\n' },
    });
    const out = await syncHostsFiles(['down', 'unreadable', 'readonly', 'partial', 'fine'].map((m) => ({ target: target(m), block })), c, { concurrency: 5, timeoutMs: 5000 });
    expect(out.map((o) => [o.machineName, o.success, o.error])).toEqual([
      ['down', false, 'SSH port refused at h-down:22: is sshd running in the guest?'],
      ['unreadable', false, 'cannot read /etc/hosts: cat: /etc/hosts: Permission denied'],
      ['readonly', false, expect.stringMatching(/could not write \/etc\/hosts .*read-only/)],
      ['partial', false, "/etc/hosts in the guest: line 2 has '# BEGIN RAGNATRAMP' without a matching '# END RAGNATRAMP'; remove the partial block by hand so nothing of yours is lost."],
      ['fine', true, undefined],
    ]);
  });

  it('keeps bytes that are not UTF-8', async () => {
    const odd = Buffer.from([0x31, 0x2e, 0x32, 0x20, 0xe9, 0x74, 0xe9, 0x0a]).toString('latin1');
    const { c, stats } = connector({ a: { hosts: odd } });
    await syncHostsFiles([{ target: target('a'), block }], c, { concurrency: 1, timeoutMs: 5000 });
    expect(Buffer.from(stats.writes[0]!.slice(2), 'latin1').subarray(0, 8)).toEqual(Buffer.from(odd, 'latin1'));
  });

  it('reports progress phases per VM', async () => {
    const { c } = connector({ a: { hosts: '' } });
    const phases: string[] = [];
    await syncHostsFiles([{ target: target('a'), block }], c, { concurrency: 1, timeoutMs: 5000, onProgress: (m, p) => phases.push(`${m}:${p}`) });
    expect(phases).toEqual(['a:connecting', 'a:reading', 'a:writing', 'a:done']);
  });
});

describe('syncHostsFiles with a memory of guests’ files (a long-running engine)', () => {
  function casGuest(initial: string) {
    const file: { content: Buffer } = { content: Buffer.from(initial, "latin1") };
    const log: string[] = [];
    const c: SshConnector = {
      async connect() {
        return {
          exec: async (command, stdin) => {
            if (command === READ_HOSTS_COMMAND) {
              log.push('read');
              return res(0, file.content.toString('latin1'));
            }
            const w = parseWriteCommand(command)!;
            log.push('write');
            if (sha256Hex(file.content) !== w.oldSha) return res(WRITE_EXIT.changedMeanwhile);
            file.content = stdin!;
            return res(0, 'ok renamed\n');
          },
          close: () => undefined,
          isOpen: () => true,
        };
      },
    };
    return { file, log, c };
  }
  const blockWith = (ip: string) => `# BEGIN RAGNATRAMP\n# Managed by ragnatramp - do not edit this block\n${ip} web\n# END RAGNATRAMP\n`;
  const opts = (memory: Map<string, Buffer>) => ({ concurrency: 1, timeoutMs: 5000, memory });

  it('a change to a remembered file is one write, no read', async () => {
    const g = casGuest('127.0.0.1 localhost\n');
    const memory = new Map<string, Buffer>();
    await syncHostsFiles([{ target: target('a'), block: blockWith('172.18.0.2') }], g.c, opts(memory));
    expect(g.log).toEqual(['read', 'write']);
    g.log.length = 0;
    const [r] = await syncHostsFiles([{ target: target('a'), block: blockWith('172.18.0.3') }], g.c, opts(memory));
    expect(r).toMatchObject({ success: true, changed: true });
    expect(g.log).toEqual(['write']);
    expect(g.file.content.toString()).toContain('172.18.0.3 web');
  });

  it('a file edited behind the engine’s back is read and merged afresh, the edit kept', async () => {
    const g = casGuest('127.0.0.1 localhost\n');
    const memory = new Map<string, Buffer>();
    await syncHostsFiles([{ target: target('a'), block: blockWith('172.18.0.2') }], g.c, opts(memory));
    g.file.content = Buffer.concat([g.file.content, Buffer.from('10.9.9.9 added-by-hand\n')]);
    g.log.length = 0;
    await syncHostsFiles([{ target: target('a'), block: blockWith('172.18.0.3') }], g.c, opts(memory));
    expect(g.log).toEqual(['write', 'read', 'write']);
    expect(g.file.content.toString()).toMatch(/172\.18\.0\.3 web\n# END RAGNATRAMP\n10\.9\.9\.9 added-by-hand\n$/);
  });

  it('nothing to change: one read to confirm, no write', async () => {
    const g = casGuest('127.0.0.1 localhost\n');
    const memory = new Map<string, Buffer>();
    await syncHostsFiles([{ target: target('a'), block: blockWith('172.18.0.2') }], g.c, opts(memory));
    g.log.length = 0;
    const [r] = await syncHostsFiles([{ target: target('a'), block: blockWith('172.18.0.2') }], g.c, opts(memory));
    expect(r).toMatchObject({ success: true, changed: false });
    expect(g.log).toEqual(['read']);
  });
});
