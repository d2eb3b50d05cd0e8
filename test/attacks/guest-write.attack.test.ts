// Break 3: a full disk under a bind-mounted /etc/hosts cut the file short at 4096 bytes. Break 7
// (guest half): a symlinked /etc/hosts was replaced by a regular file. The guest-side write
// script runs here under a real sh against real files; the in-place cases in a private mount
// namespace (a bind mount over the target, a tiny tmpfs), so nothing outlives a test.
import { spawnSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergeHostsBlock, renderHostsBlock } from '../../main/engine/hosts/hosts-block.js';
import { buildLocalWriteArgs, describeWriteFailure, WRITE_EXIT } from '../../main/engine/ssh/remote-hosts-write.js';

const isRoot = process.getuid?.() === 0;
const block = renderHostsBlock([{ ip: '10.0.0.2', name: 'web' }, { ip: '10.0.0.3', name: 'db' }]);

function tempDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'rt-attack-'));
}

/**
 * Runs the write script against `target` inside a private mount namespace after `setup` (sh),
 * then `after` (sh) so results on a namespace-only mount can be copied out. $D is the folder.
 */
function inNamespace(dir: string, setup: string, after: string, target: string, oldContent: string, newContent: string, env: NodeJS.ProcessEnv = process.env) {
  const args = buildLocalWriteArgs(Buffer.from(oldContent, 'latin1'), Buffer.from(newContent, 'latin1'), target);
  const wrapper = `set -e; D=$1; shift; ${setup}; set +e; sh "$@"; code=$?; ${after}; exit $code`;
  const r = spawnSync('unshare', ['--mount', 'sh', '-c', wrapper, 'ns', dir, ...args], { input: Buffer.from(newContent, 'latin1'), env });
  return { code: r.status, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

// About 4000 bytes of the user's own lines: the block pushes the file past one 4096-byte page.
const userLines = Array.from({ length: 200 }, (_, i) => `10.1.${Math.floor(i / 250)}.${i % 250} user-host-${String(i).padStart(3, '0')}.example\n`).join('').slice(0, 3990);
const original = `127.0.0.1 localhost\n${userLines.slice(0, userLines.lastIndexOf('\n') + 1)}`;

describe.skipIf(!isRoot)('in-place rewrite of a bind-mounted /etc/hosts', () => {
  it('on a full disk: refuses before touching a byte, says the disk is full, and the file stays whole', () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'full'));
    writeFileSync(path.join(dir, 'hosts'), 'placeholder under the mount\n');
    const merged = mergeHostsBlock(original, block);
    expect(original.length).toBeLessThan(4096);
    expect(merged.length).toBeGreaterThan(4096);
    const setup = [
      'mount -t tmpfs -o size=8k tmpfs "$D/full"',
      `printf %s '${original}' > "$D/full/hosts"`,
      'dd if=/dev/zero of="$D/full/filler" bs=4096 count=4 2>/dev/null || true', // fill what is left
      'mount --bind "$D/full/hosts" "$D/hosts"',
    ].join('; ');
    const r = inNamespace(dir, setup, 'cp "$D/full/hosts" "$D/result"', path.join(dir, 'hosts'), original, merged);
    expect(readFileSync(path.join(dir, 'result'), 'latin1')).toBe(original);
    expect(r.code).toBe(WRITE_EXIT.writeFailed);
    const message = describeWriteFailure(r.code, r.stderr, 'ubuntu');
    expect(message).toMatch(/the disk holding \/etc\/hosts is full \(.*No space left on device.*\)/);
    expect(message).not.toMatch(/read-only/);
    expect(message).toMatch(/The file was left as it was/);
  });

  it('restores the verified backup at once when a write fails after it began, and says so', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'backing'), original);
    writeFileSync(path.join(dir, 'hosts'), 'placeholder\n');
    // A dd that dies half-way through copying the new content in (as ENOSPC or EIO would),
    // and behaves as the real one otherwise (cutting, and copying the backup back).
    const bin = path.join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(
      path.join(bin, 'dd'),
      '#!/bin/sh\ncase "$1" in *ragnatramp-hosts.*) src=${1#if=}; dst=${2#of=}; head -c 100 "$src" | /bin/dd of="$dst" conv=notrunc 2>/dev/null; echo "dd: error writing \'$dst\': Input/output error" >&2; exit 1;; esac\nexec /bin/dd "$@"\n',
    );
    chmodSync(path.join(bin, 'dd'), 0o755);
    const merged = mergeHostsBlock(original, block);
    const r = inNamespace(dir, 'mount --bind "$D/backing" "$D/hosts"', 'true', path.join(dir, 'hosts'), original, merged, { ...process.env, PATH: `${bin}:${process.env.PATH}` });
    expect(r.code).toBe(WRITE_EXIT.restored);
    expect(readFileSync(path.join(dir, 'backing'), 'latin1')).toBe(original);
    expect(describeWriteFailure(r.code, r.stderr, 'ubuntu')).toBe(`rewriting /etc/hosts in place failed (dd: error writing '${path.join(dir, 'hosts')}': Input/output error); ${path.join(dir, 'hosts')} was restored from ${path.join(dir, 'hosts')}.ragnatramp.bak.`);
  });

  it('a shorter new file is cut to its length only after it was written whole', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'backing'), original);
    writeFileSync(path.join(dir, 'hosts'), 'placeholder\n');
    const r = inNamespace(dir, 'mount --bind "$D/backing" "$D/hosts"', 'true', path.join(dir, 'hosts'), original, '127.0.0.1 localhost\n');
    expect(r).toMatchObject({ code: 0, stdout: 'ok in-place\n' });
    expect(readFileSync(path.join(dir, 'backing'), 'latin1')).toBe('127.0.0.1 localhost\n');
  });
});

describe('a symlinked hosts file', () => {
  it('is written through: the link stays a link and its target gets the block', () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'real'));
    const real = path.join(dir, 'real', 'hosts');
    writeFileSync(real, original);
    const link = path.join(dir, 'hosts');
    symlinkSync('real/hosts', link);
    const merged = mergeHostsBlock(original, block);
    const r = spawnSync('sh', buildLocalWriteArgs(Buffer.from(original), Buffer.from(merged), link), { input: merged });
    expect({ code: r.status, stderr: r.stderr.toString() }).toEqual({ code: 0, stderr: '' });
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe('real/hosts');
    expect(readFileSync(real, 'utf8')).toBe(merged);
    expect(readFileSync(`${real}.ragnatramp.bak`, 'utf8')).toBe(original);
  });

  it('a dangling link is refused with a clear message, and nothing is created', () => {
    const dir = tempDir();
    const link = path.join(dir, 'hosts');
    symlinkSync('/nonexistent/dir/hosts', link);
    const r = spawnSync('sh', buildLocalWriteArgs(Buffer.from(''), Buffer.from(block), link), { input: block });
    expect(r.status).not.toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
  });
});
