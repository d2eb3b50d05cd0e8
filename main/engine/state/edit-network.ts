// Writes one VM's `network` into state.json's text in place: only the bytes of that value change
// (or, when the VM has none yet, one member is appended to its object). Re-serialising the whole
// document would turn the CLI's big integers into rounded doubles, `1.50` into `1.5`, and could
// reorder or drop what the tray does not own; editing the text keeps every other byte.
// The text has already passed JSON.parse and the state schema, so the scanner trusts its shape.

import type { NetworkState } from '../seed-types.js';

interface Member {
  key: string;
  /** Where the member's key starts (its opening quote). */
  start: number;
  valueStart: number;
  valueEnd: number;
}

const isWs = (c: string | undefined) => c === ' ' || c === '\t' || c === '\n' || c === '\r';

function skipWs(text: string, i: number): number {
  while (isWs(text[i])) i++;
  return i;
}

function stringEnd(text: string, i: number): number {
  for (let j = i + 1; ; j++) {
    if (text[j] === '\\') j++;
    else if (text[j] === '"') return j + 1;
  }
}

/** The end of the JSON value that starts at i. */
function valueEnd(text: string, i: number): number {
  const c = text[i];
  if (c === '"') return stringEnd(text, i);
  if (c !== '{' && c !== '[') {
    let j = i;
    while (j < text.length && !isWs(text[j]) && text[j] !== ',' && text[j] !== '}' && text[j] !== ']') j++;
    return j;
  }
  let depth = 0;
  for (let j = i; ; j++) {
    const d = text[j];
    if (d === '"') j = stringEnd(text, j) - 1;
    else if (d === '{' || d === '[') depth++;
    else if ((d === '}' || d === ']') && --depth === 0) return j + 1;
  }
}

function members(text: string, open: number): Member[] {
  const out: Member[] = [];
  let i = skipWs(text, open + 1);
  while (text[i] === '"') {
    const keyEnd = stringEnd(text, i);
    const key = JSON.parse(text.slice(i, keyEnd)) as string;
    const valueStart = skipWs(text, skipWs(text, keyEnd) + 1);
    const end = valueEnd(text, valueStart);
    out.push({ key, start: i, valueStart, valueEnd: end });
    i = skipWs(text, end);
    if (text[i] === ',') i = skipWs(text, i + 1);
  }
  return out;
}

// JSON.parse keeps the last of duplicate keys: so does the editor.
const member = (list: Member[], key: string) => list.filter((m) => m.key === key).at(-1);

/** The text with vms[machineName].network set to `network`; null when that VM is not in it. */
export function withNetwork(text: string, machineName: string, network: NetworkState): string | null {
  const root = skipWs(text, text.startsWith('\uFEFF') ? 1 : 0);
  const vms = member(members(text, root), 'vms');
  const vm = vms && member(members(text, vms.valueStart), machineName);
  if (!vm || text[vm.valueStart] !== '{') return null;
  const fields = members(text, vm.valueStart);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const first = fields[0];
  const lineStart = first ? text.lastIndexOf('\n', first.start) : -1;
  // A VM object laid out one member per line gets a value laid out the same way; one on a single line, a compact one.
  const multiline = lineStart > vm.valueStart && first !== undefined;
  const memberIndent = multiline ? text.slice(lineStart + 1, first.start) : '';
  const unit = /\n([ \t]+)"/.exec(text)?.[1] ?? '  ';
  const value = multiline ? JSON.stringify(network, null, unit).split('\n').join(`${eol}${memberIndent}`) : JSON.stringify(network);
  const existing = member(fields, 'network');
  if (existing) return text.slice(0, existing.valueStart) + value + text.slice(existing.valueEnd);
  const last = fields.at(-1)!;
  const inserted = multiline ? `,${eol}${memberIndent}"network": ${value}` : `,"network":${value}`;
  return text.slice(0, last.valueEnd) + inserted + text.slice(last.valueEnd);
}
