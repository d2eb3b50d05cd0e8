// A compact plain-text table: columns padded to their widest cell, no borders.

import { safeInline } from './sanitize.js';

export function formatTable(header: string[], rows: string[][], indent = '  '): string {
  const cells = [header, ...rows].map((r) => r.map((c) => safeInline(c)));
  const widths = header.map((_, i) => Math.max(...cells.map((r) => [...(r[i] ?? '')].length)));
  return cells.map((r) => indent + r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n');
}
