// How a value from the user's files (or a hostile one) appears in a message: JSON-quoted,
// short, every control, non-ASCII or line-separator character escaped, so a message can never
// quote a file back at length or carry a forged line.

export function excerpt(value: string, max = 40): string {
  const short = value.length > max ? `${value.slice(0, max)}…` : value;
  return JSON.stringify(short).replace(/[^\x20-\x7e]/g, (c) => (c === '…' ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

/** A machine name as a message's prefix: as it is when it is a plain short name, else excerpted. */
export function nameLabel(name: string): string {
  return /^[\x21-\x7e]{1,64}$/.test(name) ? name : excerpt(name);
}
