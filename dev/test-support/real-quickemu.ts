// Where the lab tests find the real, unmodified quickemu 4.9.9 script: RAGNATRAMP_QUICKEMU when it
// names one, else the copy kept in dev/vendor (checked against the sha256 its README records, so an
// edited copy is refused rather than tested as if it were upstream's).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const vendored = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../vendor/quickemu-4.9.9');

/** The path of the quickemu 4.9.9 script to run; throws when the vendored copy is not upstream's. */
export function realQuickemuScript(): string {
  const named = process.env.RAGNATRAMP_QUICKEMU;
  if (named) {
    if (!existsSync(named) || !readFileSync(named, 'utf8').includes('readonly VERSION="4.9.9"')) throw new Error(`RAGNATRAMP_QUICKEMU=${named} is not quickemu 4.9.9's script`);
    return named;
  }
  const script = path.join(vendored, 'quickemu');
  const recorded = /^sha256: ([0-9a-f]{64})$/m.exec(readFileSync(path.join(vendored, 'README.md'), 'utf8'))?.[1];
  const actual = createHash('sha256').update(readFileSync(script)).digest('hex');
  if (actual !== recorded) throw new Error(`${script} is not the upstream quickemu 4.9.9 script (sha256 ${actual}, README records ${recorded})`);
  return script;
}
