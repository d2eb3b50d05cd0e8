// ConvertTo-Json's output layout, reproduced: Windows PowerShell 5.1 (four-space indent, two
// spaces after the colon, nested arrays indented to their opening bracket, ' < > & escaped as
// \u0027 \u003c \u003e \u0026, empty output for nothing) and PowerShell 7 (two-space indent,
// `null` for nothing). A single item is a bare object in both.

export type PowerShellVersion = '5.1' | '7';

/** `ConvertTo-Json -InputObject @(items) -Compress`: always an array, on one line. */
export function convertToJsonCompressed(items: unknown[], version: PowerShellVersion): string {
  const json = JSON.stringify(items);
  return version === '5.1' ? json.replace(/[<>&']/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : json;
}

export function convertToJson(items: unknown[], version: PowerShellVersion): string {
  if (items.length === 0) return version === '5.1' ? '' : 'null';
  const value = items.length === 1 ? items[0] : items;
  return version === '5.1' ? format51(value, 0) : JSON.stringify(value, null, 2);
}

function escape51(s: string): string {
  return JSON.stringify(s).replace(/[<>&']/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function format51(value: unknown, indent: number): string {
  const pad = ' '.repeat(indent);
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return escape51(value);
  if (typeof value !== 'object') return String(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return `[\n\n${pad}]`;
    return `[\n${value.map((v) => `${pad}    ${format51(v, indent + 4)}`).join(',\n')}\n${pad}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return '{\n\n}';
  const lines = entries.map(([k, v]) => {
    const prefix = `${pad}    ${escape51(k)}:  `;
    return prefix + format51(v, Array.isArray(v) ? prefix.length : indent + 4);
  });
  return `{\n${lines.join(',\n')}\n${pad}}`;
}
