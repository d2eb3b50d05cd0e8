// Seed 001 R5's managed block: rendering it, and merging it into a hosts file so that every
// byte outside the block survives (line endings, a missing final newline, a UTF-8 BOM, other
// tools' blocks), duplicate managed blocks collapse into one, and merging twice gives the same
// text. Every name is checked here, where the block is rendered: a hosts file is a resolver's
// input, so a name with a newline, a tab or a look-alike letter would forge other names.
// Text is handled as latin1 by callers so that any byte round-trips unchanged.

import { isIpv4 } from '../discovery/net-address.js';
import { excerpt } from '../excerpt.js';

export const BEGIN_MARKER = '# BEGIN RAGNATRAMP';
export const END_MARKER = '# END RAGNATRAMP';
export const BLOCK_NOTE = '# Managed by ragnatramp - do not edit this block';

/** A guest's hosts file larger than this is refused rather than read and merged. */
export const MAX_HOSTS_BYTES = 8 * 1024 * 1024;

export interface HostsEntry {
  ip: string;
  name: string;
  /** More names for the same address (a domain's, aliases), written after the name on its line. */
  aliases?: string[];
}

export interface SkippedEntry {
  name: string;
  reason: string;
  /** Set when only this extra name of the machine was left out, not the machine. */
  alias?: string;
}

export interface RenderedBlock {
  block: string;
  /** Entries left out of the block, each with why; the caller shows them as warnings. */
  skipped: SkippedEntry[];
}

// Names a resolver already answers for; an entry for them would shadow the guest's own.
const RESERVED = new Set(['localhost', 'localhost.localdomain', 'ip6-localhost', 'ip6-loopback', 'broadcasthost']);

/** Why `name` cannot be written as a hosts-file name (RFC 1123 labels), or null if it can. */
export function hostnameProblem(name: string): string | null {
  if (name.length === 0) return 'is empty';
  if (name.length > 253) return `is ${name.length} characters long; a host name has at most 253`;
  if (/[^\x21-\x7e]/.test(name)) return 'contains white space, a control character or a non-ASCII letter';
  const labels = name.split('.');
  for (const label of labels) {
    if (label.length === 0) return 'has an empty label (two dots, or a dot at an end)';
    if (label.length > 63) return `has a label of ${label.length} characters; at most 63 are allowed`;
    if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/i.test(label)) return 'may contain only letters, digits and inner hyphens in each dot-separated label';
  }
  // RFC 1123 2.1: a name must not look like a dotted-decimal address, so its last label is not all digits.
  if (/^\d+$/.test(labels[labels.length - 1]!)) return 'looks like an IP address (its last label is all digits)';
  const lower = name.toLowerCase();
  if (RESERVED.has(lower) || lower.endsWith('.localhost')) return 'is reserved for the guest itself';
  return null;
}

/** The name as written into hosts files: RFC 1123 is case-insensitive, we write lower case. */
export function hostsName(name: string): string {
  return name.toLowerCase();
}


/** The block, LF line endings, ending with a newline; valid entries sorted by name. */
export function renderHostsBlockChecked(entries: HostsEntry[]): RenderedBlock {
  const skipped: SkippedEntry[] = [];
  const byName = new Map<string, HostsEntry>();
  for (const e of entries) {
    const problem = hostnameProblem(e.name) ?? (isIpv4(e.ip) ? null : `has an address that is not a plain IPv4 (${excerpt(e.ip)})`);
    const name = hostsName(e.name);
    if (problem) skipped.push({ name: e.name, reason: `The machine name ${excerpt(e.name)} ${problem}; it was left out of the hosts block` });
    else if (byName.has(name)) skipped.push({ name: e.name, reason: `The machine name ${excerpt(e.name)} differs from ${excerpt(byName.get(name)!.name)} only in case; it was left out of the hosts block` });
    else byName.set(name, { ip: e.ip, name, aliases: [...(e.aliases ?? [])] });
  }
  // An extra name another machine already answers to (by name or alias) would send one of them
  // to the other's address: it is left out, and said, on every machine that wanted it.
  const claims = new Map<string, number>();
  for (const e of byName.values()) for (const a of new Set((e.aliases ?? []).map(hostsName))) claims.set(a, (claims.get(a) ?? 0) + 1);
  for (const e of byName.values()) {
    const kept: string[] = [];
    for (const a of e.aliases ?? []) {
      const alias = hostsName(a);
      const problem = hostnameProblem(alias) ?? (byName.has(alias) ? `is the name of machine ${excerpt(byName.get(alias)!.name)}` : (claims.get(alias) ?? 0) > 1 ? 'is wanted by another machine too' : null);
      if (problem) skipped.push({ name: e.name, alias: a, reason: `The extra name ${excerpt(a)} of ${excerpt(e.name)} ${problem}; it was left out of the hosts block` });
      else if (!kept.includes(alias)) kept.push(alias);
    }
    e.aliases = kept;
  }
  const sorted = [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { block: [BEGIN_MARKER, BLOCK_NOTE, ...sorted.map((e) => [e.ip, e.name, ...(e.aliases ?? [])].join(' ')), END_MARKER, ''].join('\n'), skipped };
}

/** The block text alone; invalid entries are left out (see renderHostsBlockChecked). */
export function renderHostsBlock(entries: HostsEntry[]): string {
  return renderHostsBlockChecked(entries).block;
}

export class HostsFileError extends Error {}

/** The `address name` lines inside the file's managed block(s), as they stand (none when it has no block). */
export function managedEntries(text: string): HostsEntry[] {
  const out: HostsEntry[] = [];
  let inside = false;
  for (const line of text.split(/\r\n|\n|\r/)) {
    const t = line.trim();
    if (t === BEGIN_MARKER) inside = true;
    else if (t === END_MARKER) inside = false;
    else if (inside && !t.startsWith('#')) {
      const [ip, name] = t.split(/\s+/);
      if (ip && name && isIpv4(ip)) out.push({ ip, name });
    }
  }
  return out;
}

interface Line {
  text: string;
  eol: string;
}

function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  const re = /([^\r\n]*)(\r\n|\n|\r|$)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    if (m[0] === '') break;
    lines.push({ text: m[1]!, eol: m[2]! });
  }
  return lines;
}

// A UTF-8 byte order mark, as it reads in latin1 (how callers decode) and as UTF-16.
const BOM = /^(\xEF\xBB\xBF|\uFEFF)/;

type Kind = 'begin' | 'end' | 'other';

export interface BlockMarkers {
  begin: string;
  end: string;
  /** Where a block goes into a file that has none. */
  place: 'start' | 'end';
}

const HOSTS_MARKERS: BlockMarkers = { begin: BEGIN_MARKER, end: END_MARKER, place: 'end' };

/**
 * Returns `existing` with the managed block replaced by (or extended with) `block`. One pass
 * over the lines: a file of many blocks costs no more than a file of many lines.
 */
export function mergeHostsBlock(existing: string, block: string): string {
  return mergeManagedBlock(existing, block, HOSTS_MARKERS);
}

/** The same merge for any file with a marked block of ours (hosts files, ~/.ssh/config). */
export function mergeManagedBlock(existing: string, block: string, markers: BlockMarkers): string {
  const { begin, end } = markers;
  const kindOf = (text: string): Kind => {
    const t = text.trim();
    return t === begin ? 'begin' : t === end ? 'end' : 'other';
  };
  const unterminated = (index: number) => new HostsFileError(`line ${index + 1} has '${begin}' without a matching '${end}'; remove the partial block by hand so nothing of yours is lost.`);
  const bom = BOM.exec(existing)?.[0] ?? '';
  const lines = splitLines(existing.slice(bom.length));
  const eol = dominantEol(lines);
  const blockText = block.replace(/\n/g, eol);
  const out: string[] = [bom];
  let placed = false;
  let openedAt = -1; // index of the BEGIN of the block being skipped, or -1
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const kind = kindOf(line.text);
    if (openedAt === -1) {
      if (kind === 'end') throw new HostsFileError(`line ${i + 1} has '${end}' without a '${begin}' before it; remove the stray marker by hand.`);
      if (kind === 'begin') openedAt = i;
      else out.push(line.text + line.eol);
      continue;
    }
    if (kind === 'begin') throw unterminated(openedAt);
    if (kind !== 'end') continue;
    if (!placed) {
      // A block that was the file's unterminated last line keeps the file unterminated.
      out.push(line.eol === '' ? blockText.slice(0, -eol.length) : blockText);
      placed = true;
    }
    openedAt = -1;
  }
  if (openedAt !== -1) throw unterminated(openedAt);
  if (!placed && markers.place === 'start') return bom + blockText + out.slice(1).join('');
  if (!placed) {
    const last = out.length - 1;
    if (last >= 1 && !/[\r\n]$/.test(out[last]!)) out[last] += eol;
    out.push(blockText);
  }
  return out.join('');
}

function dominantEol(lines: Line[]): string {
  let crlf = 0;
  let lf = 0;
  for (const l of lines) {
    if (l.eol === '\r\n') crlf++;
    else if (l.eol === '\n') lf++;
  }
  return crlf > lf ? '\r\n' : '\n';
}
