// Quoting for the rare places where a value must appear inside PowerShell source (fix commands
// shown to the user). Scripts the engine runs take their values as base64 data instead.

// PowerShell treats the typographic single quotes as quote characters too; doubling every one
// of them keeps the literal closed whatever the value holds.
const SINGLE_QUOTES = /['\u2018\u2019\u201A\u201B]/g;

export function psQuote(value: string): string {
  return `'${value.replace(SINGLE_QUOTES, (q) => q + q)}'`;
}

/** Encodes a value as base64 JSON: only [A-Za-z0-9+/=] can reach the script text. */
export function psData(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64');
}
