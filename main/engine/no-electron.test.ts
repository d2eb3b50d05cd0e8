// The engine runs in plain Node (CLI, worker thread, tests): nothing under main/engine may
// import electron.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.dirname(fileURLToPath(import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

describe('engine independence', () => {
  it('no engine module imports electron', () => {
    const offenders = sources(root).filter((f) => /from\s+['"]electron(\/[^'"]*)?['"]|require\(\s*['"]electron/.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
    expect(sources(root).length).toBeGreaterThan(20);
  });
});
