// Issue 19, break 12: bad values crashed the CLI with a stack trace: a YAML alias bomb in
// ragnatramp.yaml (yaml's own guard threw a ReferenceError), a --manifest or --simulate file
// that is not one given to ssh-config or doctor, a support bundle that cannot be written. Each
// is now a message naming the file and what to do, with exit code 2 (bad input) or 1.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeFixture } from '../../dev/test-support/project-fixture.js';
import { runCli } from '../../main/cli/cli.js';

async function cli(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: process.env, logDir: mkdtempSync(path.join(os.tmpdir(), 'rt-home-')) });
  return { code, stdout, stderr };
}

const BOMB = `a: &a [x, x, x, x, x, x, x, x, x]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
project: { name: p }
machines: [{ name: web }]
`;

describe('break 12: bad values are usage errors, never a stack trace', () => {
  it('a YAML alias bomb in ragnatramp.yaml', async () => {
    const f = makeFixture({ machines: ['web'], configText: BOMB });
    const r = await cli(['status', '--config', f.configPath]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`${f.configPath}: uses YAML aliases (*name) too often: Excessive alias count indicates a resource exhaustion attack\nFix ragnatramp.yaml and try again; nothing was written.\n`);
  });

  it('ssh-config and doctor given a --manifest or --simulate that is not one', async () => {
    const f = makeFixture({ machines: ['web'] });
    const empty = path.join(f.dir, 'empty.json');
    writeFileSync(empty, '');
    const ssh = await cli(['ssh-config', '--config', f.configPath, '--provider', 'linux', '--manifest', empty]);
    expect([ssh.code, ssh.stderr.split('\n')[0]]).toEqual([2, `${empty}: is not valid JSON (Unexpected end of JSON input)`]);
    const doctor = await cli(['doctor', '--config', f.configPath, '--simulate', f.dir]);
    expect([doctor.code, doctor.stderr.split('\n').at(-3)]).toEqual([2, `${f.dir}: cannot be read (EISDIR)`]);
  });

  it('a support bundle that cannot be written is one line and exit 1', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'rt-out-')), 'a-file');
    writeFileSync(file, '');
    const r = await cli(['support-bundle', '--out', path.join(file, 'bundle.zip')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^The support bundle could not be written: [^\n]*\n$/);
  });
});
