// What a PowerShell process can print around its answer that is not the answer: terminal escape
// sequences (pwsh on Unix writes ESC[?1h ESC[?1l unless TERM=dumb or NO_COLOR is set; facts file,
// "Added after running the scripts in the real PowerShell"), a byte-order mark, and WARNING
// lines (7.1+ prints ConvertTo-Json's truncation warning to stdout of a child process).

/** pwsh writes no terminal codes with these set; the runner passes them to every process. */
export const QUIET_TERMINAL = { TERM: 'dumb', NO_COLOR: '1' } as const;

// CSI (ESC [ … final byte), OSC (ESC ] … BEL or ESC \), and two-byte escapes (ESC + one byte).
const ESCAPES = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]/g;

/** The answer without escape sequences, BOM and leading WARNING lines, trimmed. */
export function withoutTerminalNoise(text: string): string {
  let body = text.replace(ESCAPES, '').replace(/^\uFEFF/, '').trim();
  while (/^WARNING:/i.test(body)) body = body.replace(/^[^\n]*\n?/, '').trim();
  return body;
}
