// The commands the tray runs inside a guest to read and replace /etc/hosts. The write script is
// a constant; its inputs arrive as single-quoted positional arguments and the new content on
// stdin. It writes a temp file, checks it arrived whole, checks /etc/hosts is still what was
// read, keeps one backup, renames over the original (keeping owner, mode and SELinux label) or,
// where rename cannot work (a bind-mounted /etc/hosts: EBUSY), rewrites it in place from the
// verified temp file without ever cutting it short, and reads the result back. A symlinked
// /etc/hosts is written through to its target, so the link survives. HUP, PIPE and TERM are
// ignored once the content has arrived, so a dropped connection cannot leave a half-written file.

import { createHash } from 'node:crypto';
import { MAX_HOSTS_BYTES } from '../hosts/hosts-block.js';

export const HOSTS_PATH = '/etc/hosts';
// `exec`: the login shell sshd starts for the command need not stay around as a parent. One
// byte over the cap tells a file that is too large from one that fits exactly.
export const READ_HOSTS_COMMAND = `exec head -c ${MAX_HOSTS_BYTES + 1} ${HOSTS_PATH}`;

/** Exit codes of the write script, each with the message the user sees. */
export const WRITE_EXIT = {
  tempFailed: 12,
  truncated: 13,
  changedMeanwhile: 10,
  writeFailed: 14,
  verifyFailed: 15,
  noBackup: 16,
  badLink: 17,
  restored: 18,
  restoreFailed: 19,
} as const;

// Every external command is a fork and an exec in the guest, so the script keeps them few:
// the temp file is created exclusively (noclobber) under a name of its own beside the target,
// one sha256sum call hashes both the received content and the current file, attributes are
// copied in one call, and the result is read back where it can differ from the temp file.
//
// The in-place path (seen on a full disk: `cat tmp > f` truncated first and stopped at 4096
// bytes) never shortens the file before the new content is wholly in it: it first grows the
// file to the new length past the old end (the room check: a failure there touched no old byte
// and is cut back), then overwrites without truncating, then cuts to the new length. Any failure
// after the first byte of old content was overwritten restores the verified backup at once.
const WRITE_SCRIPT = [
  'set -u',
  'old=$1 new=$2 f=${3:-/etc/hosts}',
  'if [ -L "$f" ]; then t=$(readlink -f "$f") && [ -n "$t" ] || { echo "$f is a symbolic link that cannot be resolved" >&2; exit 17; }; f=$t; fi',
  'tmp="${f%/*}/.ragnatramp-hosts.$$" bak="$f.ragnatramp.bak"',
  'umask 077',
  'trap \'[ -e "$tmp" ] && rm -f "$tmp"\' EXIT',
  '[ -e "$tmp" ] && rm -f "$tmp"', // left by a killed run whose PID came round again
  'set -C',
  'cat > "$tmp" || exit 12',
  'set +C',
  'set -- $(sha256sum "$tmp" "$f" 2>/dev/null)', // <sum> <tmp> <sum> <f>
  '[ "${1:-}" = "$new" ] || exit 13',
  "trap '' HUP PIPE TERM INT",
  '[ "${3:-}" = "$old" ] || exit 10',
  // The backup is best effort for a rename, which cannot leave a partial file; in place it is required.
  'cat "$f" > "$bak" 2>/dev/null',
  'cp --attributes-only --preserve=mode,ownership "$f" "$tmp" 2>/dev/null || chmod 644 "$tmp"',
  'if [ -e /sys/fs/selinux/enforce ]; then chcon --reference="$f" "$tmp" 2>/dev/null; fi',
  'if mv -f "$tmp" "$f" 2>/dev/null; then echo "ok renamed"; exit 0; fi',
  'h=$(sha256sum < "$bak" 2>/dev/null); [ "${h%% *}" = "$old" ] || { echo "no verified backup could be kept as $bak" >&2; exit 16; }',
  'n=$(wc -c < "$tmp") o=$(wc -c < "$f")',
  'cut() { dd if=/dev/null of="$f" bs=1 seek="$1" 2>/dev/null; }',
  'restore() {',
  '  echo "$1" >&2',
  '  if dd if="$bak" of="$f" conv=notrunc bs=65536 2>/dev/null && cut "$o" && h=$(sha256sum < "$f") && [ "${h%% *}" = "$old" ]; then echo "$f was restored from $bak" >&2; exit 18; fi',
  '  echo "$f could not be restored; its previous content is in $bak" >&2; exit 19',
  '}',
  'if [ "$n" -gt "$o" ] && ! e=$( { head -c $((n - o)) /dev/zero >> "$f"; } 2>&1 ); then',
  '  cut "$o"; h=$(sha256sum < "$f"); [ "${h%% *}" = "$old" ] || restore "$e"',
  '  echo "$e" >&2; exit 14',
  'fi',
  'e=$(dd if="$tmp" of="$f" conv=notrunc bs=65536 2>&1) || restore "$e"',
  '[ "$n" -lt "$o" ] && { cut "$n" || restore "could not cut $f to its new length"; }',
  'h=$(sha256sum < "$f"); [ "${h%% *}" = "$new" ] || restore "$f did not read back as written"',
  'echo "ok in-place"',
].join('\n');

const QUOTED_SCRIPT = shQuote(WRITE_SCRIPT);

export function shQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export function sha256Hex(content: Buffer | string): string {
  return createHash('sha256').update(content).digest('hex');
}

// `sudo -n` never prompts: a guest that wants a password fails at once instead of hanging. A
// login that is root already needs no sudo, and minimal guests (busybox, an installer ISO,
// seed 002's root login) have none: the unquoted $s expands to `sudo -n` or to nothing.
const RUN_PREFIX = `s='sudo -n'; [ "$(id -u)" = 0 ] && s=; exec $s sh -c ${QUOTED_SCRIPT} ragnatramp-hosts `;

export function buildWriteCommand(oldContent: Buffer, newContent: Buffer, target: string = HOSTS_PATH): string {
  const args = [sha256Hex(oldContent), sha256Hex(newContent)];
  if (target !== HOSTS_PATH) args.push(target);
  return `${RUN_PREFIX}${args.map(shQuote).join(' ')}`;
}

/** The same script run without sudo, for tests and for hosts files the user already owns. */
export function buildLocalWriteArgs(oldContent: Buffer, newContent: Buffer, target: string): string[] {
  return ['-c', WRITE_SCRIPT, 'ragnatramp-hosts', sha256Hex(oldContent), sha256Hex(newContent), target];
}

export interface ParsedWriteCommand {
  oldSha: string;
  newSha: string;
  target: string;
}

/** Recognizes exactly a command built by buildWriteCommand (the simulator answers only these). */
export function parseWriteCommand(command: string): ParsedWriteCommand | null {
  if (!command.startsWith(RUN_PREFIX)) return null;
  const m = /^'([0-9a-f]{64})' '([0-9a-f]{64})'(?: '([^']+)')?$/.exec(command.slice(RUN_PREFIX.length));
  if (!m) return null;
  return { oldSha: m[1]!, newSha: m[2]!, target: m[3] ?? HOSTS_PATH };
}

export function describeWriteFailure(code: number | null, stderr: string, user: string): string {
  const lines = stderr.trim().split('\n').filter((l) => l.trim() !== '');
  const detail = lines.find((l) => !/was restored from|could not be restored/.test(l)) ?? '';
  const outcome = lines.find((l) => /was restored from|could not be restored/.test(l));
  if (/password is required|a terminal is required|no tty present/i.test(stderr)) {
    return `sudo asks user '${user}' for a password, and the tray never types one. Allow passwordless sudo for '${user}' in the guest (e.g. '${user} ALL=(ALL) NOPASSWD: ALL' in /etc/sudoers.d/${user}).`;
  }
  if (/not in the sudoers|may not run sudo/i.test(stderr)) return `user '${user}' may not use sudo in the guest; give it passwordless sudo or use another ssh.user.`;
  if (/command not found|not found/i.test(stderr) && /sudo/.test(stderr)) return 'sudo is not installed in the guest; install it or log in as a user that has it.';
  const full = /no space left on device|disk quota exceeded/i.test(stderr);
  const why = full ? `the disk holding /etc/hosts is full (${detail}); free some space in the guest` : detail;
  switch (code) {
    case WRITE_EXIT.changedMeanwhile:
      return '/etc/hosts changed while the tray was updating it; it was left as it was. Reconcile again.';
    case WRITE_EXIT.truncated:
      return 'the new /etc/hosts did not arrive whole (connection lost?); the file was left as it was.';
    case WRITE_EXIT.tempFailed:
      return full ? `could not create a temporary file beside /etc/hosts: ${why}. The file was left as it was.` : `could not create a temporary file beside /etc/hosts${detail ? ` (${detail})` : ''}; is /etc read-only? The file was left as it was.`;
    case WRITE_EXIT.writeFailed:
      return full ? `could not write /etc/hosts: ${why}. The file was left as it was.` : `could not write /etc/hosts${detail ? ` (${detail})` : ''}; is it read-only (chattr +i, read-only mount)? The file was left as it was.`;
    case WRITE_EXIT.verifyFailed:
      return '/etc/hosts did not read back as written; another program may be rewriting it (cloud-init manage_etc_hosts?). The backup is /etc/hosts.ragnatramp.bak.';
    case WRITE_EXIT.noBackup:
      return `/etc/hosts must be rewritten in place (it is bind-mounted) and no backup could be kept beside it${detail ? ` (${detail})` : ''}; the file was left as it was. Free space in /etc.`;
    case WRITE_EXIT.badLink:
      return `${detail || '/etc/hosts is a symbolic link that cannot be resolved'}; point it at a file, then reconcile again.`;
    case WRITE_EXIT.restored:
      return `rewriting /etc/hosts in place failed (${why}); ${outcome ?? '/etc/hosts was restored from its backup'}.`;
    case WRITE_EXIT.restoreFailed:
      return `rewriting /etc/hosts in place failed (${why}) and ${outcome ?? 'it could not be restored'}: copy the backup back by hand.`;
    default:
      return `writing /etc/hosts failed (exit ${code ?? 'unknown'})${detail ? `: ${detail}` : ''}`;
  }
}
