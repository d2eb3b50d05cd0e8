// Quoting for the places where a value must appear inside PowerShell source: fix commands shown
// to the user, and the discovery script's one JSON data literal (ASCII, so only ' can close it).

// PowerShell treats the typographic single quotes as quote characters too; doubling every one
// of them keeps the literal closed whatever the value holds.
const SINGLE_QUOTES = /['\u2018\u2019\u201A\u201B]/g;

export function psQuote(value: string): string {
  return `'${value.replace(SINGLE_QUOTES, (q) => q + q)}'`;
}
