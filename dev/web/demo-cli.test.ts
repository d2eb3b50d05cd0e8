// README's example commands change no tracked file (issue 23, point 19): `demo:cli` runs the
// command line on a temporary copy of examples/demo with a tray folder of its own, and every
// command README gives to run on the example project goes through it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { seed000Problems } from '../test-support/seed-000-schema.js';
import { copyDemo, DEMO_EXAMPLE } from './demo-copy.js';
import { runDemoCli } from './demo-cli.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** Every file under a folder with its bytes, to compare before and after. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const file = path.join(dir, name);
    if (statSync(file).isFile()) out[name] = readFileSync(file, 'base64');
  }
  return out;
}

describe('demo:cli', () => {
  it('reconcile writes state.json in the copy, never in examples/demo', async () => {
    const before = snapshot(DEMO_EXAMPLE);
    const demo = copyDemo();
    let stdout = '';
    const code = await runDemoCli(['reconcile', '--wait', '0', '--json'], { stdout: (t) => (stdout += t), stderr: () => undefined }, demo);
    expect(code).toBe(0);
    expect(seed000Problems(JSON.parse(stdout))).toEqual([]);
    expect(JSON.parse(stdout).diffs.length).toBeGreaterThan(0);
    expect(readFileSync(path.join(demo.project, '.ragnatramp', 'state.json'), 'utf8')).not.toBe(readFileSync(path.join(DEMO_EXAMPLE, '.ragnatramp', 'state.json'), 'utf8'));
    expect(snapshot(DEMO_EXAMPLE)).toEqual(before);
  });

  it("support-bundle bundles the copy's project (it refuses --simulate, so it was given none)", async () => {
    const demo = copyDemo();
    const out = path.join(demo.home, 'bundle.zip');
    let stdout = '';
    const code = await runDemoCli(['support-bundle', '--out', out, '--json'], { stdout: (t) => (stdout += t), stderr: () => undefined }, demo);
    expect(code).toBe(0);
    expect(JSON.stringify(JSON.parse(stdout))).toContain('ragnatramp.yaml');
  });

  it("README runs the example project's commands through demo:cli, never on examples/ itself", () => {
    const commands = README.split('\n').filter((l) => /^\s*(sudo\s+)?npm run --silent (cli|demo:cli)\b/.test(l));
    expect(commands.some((l) => l.includes('demo:cli -- reconcile'))).toBe(true);
    expect(commands.filter((l) => l.includes('examples/'))).toEqual([]);
  });

  it('README states the Node version package.json asks for, and that npm test as root brings up the labs', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { engines: { node: string } };
    const minimum = /^>=(\d+\.\d+)\.0$/.exec(pkg.engines.node)?.[1];
    expect(minimum).toBeTruthy();
    expect(README).toContain(`It needs Node.js ${minimum} or newer (\`engines\` in package.json`);
    expect(README).toMatch(/Run as root, `npm test` brings up the real-guest labs/);
  });
});
