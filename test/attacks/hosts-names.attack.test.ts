// Break 2: a name from state.json could inject lines into every guest's /etc/hosts. Break 8: a
// UTF-8 BOM before the block was refused. Break 4 (merge half): many blocks merged in
// quadratic time. Every name is now checked where the block is rendered.
import { describe, expect, it } from 'vitest';
import { runCli } from '../../main/cli/cli.js';
import { mergeHostsBlock, renderHostsBlock } from '../../main/engine/hosts/hosts-block.js';
import { makeFixture } from '../../dev/test-support/project-fixture.js';

const HOSTILE = [
  'evil\n6.6.6.6 github.com',
  'tab\tgithub.com',
  'x'.repeat(1024 * 1024),
  'localhost',
  'LocalHost',
  '10.0.0.1',
  'w\u0435b', // Cyrillic е: looks like "web"
  'web.localhost',
  'a..b',
  '-lead',
  'sp ace',
  `${'a'.repeat(64)}`,
];

async function hostsOutput(names: string[]) {
  const vms = [{ machine: 'web' }, ...names.map((n, i) => ({ machine: n, name: `myproject-h${i}-a1b2c3d4` }))];
  const scenarioVms = [
    { name: 'myproject-web-a1b2c3d4', id: '6f1c2d9e-0000-4000-8000-000000000001', adapters: [{ mac: '00155DDE3300', ipAddresses: ['172.18.0.10'] }] },
    ...names.map((_, i) => ({ name: `myproject-h${i}-a1b2c3d4`, id: `6f1c2d9e-0000-4000-8000-${String(i + 2).padStart(12, '0')}`, adapters: [{ mac: `00155DDE34${String(i).padStart(2, '0')}`, ipAddresses: [`172.18.1.${i + 10}`] }] })),
  ];
  const f = makeFixture({ machines: ['web'], vms, scenario: { vms: scenarioVms } });
  let stdout = '';
  let stderr = '';
  const code = await runCli(['hosts', '--config', f.configPath, '--simulate', f.scenarioPath, '--known-hosts', f.knownHostsPath], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: process.env });
  return { code, stdout, stderr };
}

describe('names written into hosts files', () => {
  it('a hostile state.json name never reaches the block; it is skipped with a warning naming it', async () => {
    const { code, stdout, stderr } = await hostsOutput(HOSTILE);
    expect(code).toBe(0);
    expect(stdout).toBe('# BEGIN RAGNATRAMP\n# Managed by ragnatramp - do not edit this block\n172.18.0.10 web\n# END RAGNATRAMP\n');
    expect(stderr).toContain('"evil\\n6.6.6.6 github.com" contains white space');
    expect(stderr).toContain('"tab\\tgithub.com"');
    expect(stderr).toContain('"localhost" is reserved');
    expect(stderr).toContain('"10.0.0.1" looks like an IP address');
    expect(stderr).toContain('"w\\u0435b" contains white space, a control character or a non-ASCII letter');
    // A name is quoted short: a 1 MB name does not become a 1 MB warning.
    expect(stderr.length).toBeLessThan(5000);
  });

  it('writes names lower-cased (RFC 1123 names are case-insensitive)', () => {
    expect(renderHostsBlock([{ ip: '10.0.0.2', name: 'Web-01' }])).toContain('\n10.0.0.2 web-01\n');
  });

  it('skips an entry whose address is not a plain IPv4', () => {
    expect(renderHostsBlock([{ ip: '10.0.0.2\n6.6.6.6', name: 'a' }, { ip: '010.0.0.1', name: 'b' }])).not.toMatch(/6\.6\.6\.6|010\./);
  });
});

describe('merging into hosts files', () => {
  const block = renderHostsBlock([{ ip: '10.0.0.2', name: 'web' }]);

  it('accepts a UTF-8 BOM before the block and keeps it', () => {
    for (const bom of ['\xEF\xBB\xBF', '\uFEFF']) {
      const old = `${bom}${renderHostsBlock([{ ip: '10.0.0.1', name: 'web' }])}127.0.0.1 localhost\n`;
      expect(mergeHostsBlock(old, block)).toBe(`${bom}${block}127.0.0.1 localhost\n`);
      expect(mergeHostsBlock(`${bom}127.0.0.1 localhost\n`, block)).toBe(`${bom}127.0.0.1 localhost\n${block}`);
    }
  });

  it('collapses 139k empty blocks (5 MB) in one pass', () => {
    const empty = '# BEGIN RAGNATRAMP\n# END RAGNATRAMP\n';
    const huge = `127.0.0.1 localhost\n${empty.repeat(139_000)}10.9.9.9 mine\n`;
    expect(huge.length).toBeGreaterThan(5_000_000);
    // Quadratic, this took 72 s; the test's 20 s limit fails it long before.
    expect(mergeHostsBlock(huge, block)).toBe(`127.0.0.1 localhost\n${block}10.9.9.9 mine\n`);
  });
});
