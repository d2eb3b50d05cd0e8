// Reads the zips the support bundle writes (yazl: local headers carry the sizes), for tests.

import { readFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';

/** The entries of a zip: name → content (stored or deflated). */
export function unzip(file: string): Map<string, string> {
  const buf = readFileSync(file);
  const out = new Map<string, string>();
  for (let i = 0; i + 30 <= buf.length; ) {
    if (buf.readUInt32LE(i) !== 0x04034b50) break;
    const method = buf.readUInt16LE(i + 8);
    const size = buf.readUInt32LE(i + 18);
    const nameLen = buf.readUInt16LE(i + 26);
    const extraLen = buf.readUInt16LE(i + 28);
    const name = buf.subarray(i + 30, i + 30 + nameLen).toString();
    const start = i + 30 + nameLen + extraLen;
    const data = buf.subarray(start, start + size);
    out.set(name, (method === 8 ? inflateRawSync(data) : data).toString());
    i = start + size;
  }
  return out;
}
