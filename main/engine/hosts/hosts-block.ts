// Seed 001 R5's managed block: rendering it, and merging it into a hosts file so that every
// byte outside the block survives (line endings, a missing final newline, other tools' blocks),
// duplicate managed blocks collapse into one, and merging twice gives the same text.
// Text is handled as latin1 by callers so that any byte round-trips unchanged.

export const BEGIN_MARKER = '# BEGIN RAGNATRAMP';
export const END_MARKER = '# END RAGNATRAMP';
export const BLOCK_NOTE = '# Managed by ragnatramp - do not edit this block';

export interface HostsEntry {
  ip: string;
  name: string;
}

/** The block, LF line endings, ending with a newline; entries sorted by name. */
export function renderHostsBlock(entries: HostsEntry[]): string {
  const sorted = [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return [BEGIN_MARKER, BLOCK_NOTE, ...sorted.map((e) => `${e.ip} ${e.name}`), END_MARKER, ''].join('\n');
}

export class HostsFileError extends Error {}

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

const isMarker = (line: Line, marker: string) => line.text.trim() === marker;

/** Returns `existing` with the managed block replaced by (or extended with) `block`. */
export function mergeHostsBlock(existing: string, block: string): string {
  const lines = splitLines(existing);
  const eol = dominantEol(lines);
  const blockText = block.replace(/\n/g, eol);
  const out: string[] = [];
  let placed = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (isMarker(line, END_MARKER)) throw new HostsFileError(`line ${i + 1} has '${END_MARKER}' without a '${BEGIN_MARKER}' before it; remove the stray marker by hand.`);
    if (!isMarker(line, BEGIN_MARKER)) {
      out.push(line.text + line.eol);
      continue;
    }
    const end = lines.findIndex((l, j) => j > i && isMarker(l, END_MARKER));
    const nextBegin = lines.findIndex((l, j) => j > i && isMarker(l, BEGIN_MARKER));
    if (end === -1 || (nextBegin !== -1 && nextBegin < end)) {
      throw new HostsFileError(`line ${i + 1} has '${BEGIN_MARKER}' without a matching '${END_MARKER}'; remove the partial block by hand so nothing of yours is lost.`);
    }
    if (!placed) {
      // A block that was the file's unterminated last line keeps the file unterminated.
      out.push(lines[end]!.eol === '' ? blockText.slice(0, -eol.length) : blockText);
      placed = true;
    }
    i = end;
  }
  if (!placed) {
    const last = out.length - 1;
    if (last >= 0 && !/[\r\n]$/.test(out[last]!)) out[last] += eol;
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
