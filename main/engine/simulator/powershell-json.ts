// What `ConvertTo-Json -InputObject @(items) -Compress` prints: always an array, on one line.
// Windows PowerShell 5.1 (JavaScriptSerializer) escapes ' < > & as \u0027 \u003c \u003e \u0026;
// PowerShell 7 (Newtonsoft) does not. The parser still accepts the uncompressed layouts and the
// bare-object and empty shapes (parse-output.test.ts) for older scripts' answers.

export type PowerShellVersion = '5.1' | '7';

export function convertToJsonCompressed(items: unknown[], version: PowerShellVersion): string {
  const json = JSON.stringify(items);
  return version === '5.1' ? json.replace(/[<>&']/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : json;
}
