// ragnatramp.yaml as Ragnatramp reads it: validation with the field named, SSH settings, paths.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeFixture } from '../../../dev/test-support/project-fixture.js';
import { InputError } from '../errors.js';
import { expandPath } from './expand-path.js';
import { expectedVmName, loadProject, parseConfig } from './load-project.js';

const base = 'project:\n  name: demo\ndefaults:\n  base_image: C:/img.vhdx\n';

function configError(text: string, env: NodeJS.ProcessEnv = {}): InputError {
  try {
    parseConfig('/p/ragnatramp.yaml', text, env);
  } catch (err) {
    if (err instanceof InputError) return err;
    throw err;
  }
  throw new Error('expected an InputError');
}

describe('ragnatramp.yaml validation', () => {
  it('accepts more than 3 machines (Ragnatramp caps creation, not us)', () => {
    const text = `${base}machines:\n${['a', 'b', 'c', 'd', 'e'].map((m) => `  - name: ${m}\n`).join('')}`;
    expect(parseConfig('/p/ragnatramp.yaml', text).machines).toHaveLength(5);
  });
  it('a YAML syntax error names the file, line and column', () => {
    const err = configError(`${base}machines:\n  - name: web\n   bad: [\n`);
    expect(err.message).toMatch(/^\/p\/ragnatramp\.yaml:\d+:\d+: /);
    expect(err.message).toMatch(/nothing was written/);
  });
  it('duplicate keys are syntax errors', () => {
    expect(configError(`${base}machines:\n  - name: web\nmachines: []\n`).message).toMatch(/ragnatramp\.yaml:7:1: Map keys must be unique/);
  });
  it('a hostile machine name is refused, naming the field and line', () => {
    const err = configError(`${base}machines:\n  - name: web\n  - name: "web; rm -rf /"\n`);
    expect(err.problems).toEqual([{ field: 'machines[1].name', line: 7, column: 11, problem: '"web; rm -rf /" does not match ^[a-zA-Z][a-zA-Z0-9-]{0,15}$' }]);
  });
  it('unknown fields are named', () => {
    expect(configError(`${base}machines:\n  - name: web\n    cpus: 2\n`).problems[0]).toMatchObject({ field: 'machines[0].cpus', problem: 'is not a known field (check its spelling or remove it)', line: 7 });
  });
  it('wrong types and ranges say what was expected', () => {
    const err = configError(`${base}  memory: 100\nmachines:\n  - name: web\n    cpu: two\n`);
    expect(err.problems.map((p) => `${p.field}: ${p.problem}`)).toEqual(['defaults.memory: must be >= 512 (got number 100)', 'machines[0].cpu: must be a whole number (got "two")']);
  });
  it('missing required fields are named at their parent', () => {
    const err = configError('project: {}\nmachines: []\n');
    expect(err.problems.map((p) => `${p.field}@${p.line}: ${p.problem}`)).toEqual(['project.name@1: is required but missing', 'machines@2: must NOT have fewer than 1 items (got a list of 0)']);
  });
  it('the ssh block needs user and private_key and nothing else', () => {
    const err = configError(`${base}  ssh:\n    user: ubuntu\n    password: hunter2\nmachines:\n  - name: web\n`);
    expect(err.problems.map((p) => p.field).sort()).toEqual(['defaults.ssh.password', 'defaults.ssh.private_key']);
  });
  it('base_image must be in defaults or in every machine', () => {
    const err = configError('project:\n  name: demo\nmachines:\n  - name: web\n    base_image: x\n  - name: db\n');
    expect(err.problems).toEqual([{ field: 'machines[1].base_image', line: 6, column: 5, problem: 'is required because defaults.base_image is not set' }]);
  });
  it('machine names must be unique', () => {
    expect(configError(`${base}machines:\n  - name: web\n  - name: Web\n    cpu: 2\n`).problems[0]!.problem).toMatch(/already the name of machines\[0\]/);
  });
  it('an empty file says so', () => {
    expect(configError('').message).toMatch(/the file is empty/);
  });
  it('an unset variable in a key path names the field and the variable', () => {
    const err = configError(`${base}  ssh:\n    user: u\n    private_key: "%NOPE%/id"\nmachines:\n  - name: web\n`);
    expect(err.message).toMatch(/defaults\.ssh\.private_key: environment variable NOPE is not set/);
  });
});

describe('SSH settings resolution', () => {
  it('machine block overrides defaults; paths expanded and made absolute', async () => {
    const f = makeFixture({
      machines: [],
      configText: `project:\n  name: demo\ndefaults:\n  base_image: x\n  ssh:\n    user: ubuntu\n    private_key: keys/id\nmachines:\n  - name: web\n  - name: db\n    ssh:\n      user: admin\n      private_key: $KEYS/db_key\n`,
    });
    const p = await loadProject(f.configPath, { KEYS: '/secure' });
    expect(p.machines).toEqual([
      { name: 'web', ssh: { user: 'ubuntu', privateKeyPath: path.join(f.dir, 'keys/id') } },
      { name: 'db', ssh: { user: 'admin', privateKeyPath: '/secure/db_key' } },
    ]);
  });
});

describe('expandPath', () => {
  const env = { HOME_DIR: '/home/u', USERPROFILE: 'C:/Users/u' };
  it('expands ~, %VAR%, $VAR and ${VAR}', () => {
    expect(expandPath('~/.ssh/id', '/cfg', env, '/home/me')).toBe('/home/me/.ssh/id');
    expect(expandPath('%HOME_DIR%/k', '/cfg', env)).toBe('/home/u/k');
    expect(expandPath('$HOME_DIR/k', '/cfg', env)).toBe('/home/u/k');
    expect(expandPath('${HOME_DIR}/k', '/cfg', env)).toBe('/home/u/k');
  });
  it('resolves relative paths against the config folder', () => {
    expect(expandPath('keys/id', '/cfg/dir', env)).toBe('/cfg/dir/keys/id');
    expect(expandPath('/abs/id', '/cfg/dir', env)).toBe('/abs/id');
  });
  it('does not expand a ~ that is not leading', () => {
    expect(expandPath('a/~/b', '/c', env)).toBe('/c/a/~/b');
  });
});

describe('loadProject', () => {
  it('lists state.json VMs and config machines not created yet', async () => {
    const f = makeFixture({ machines: ['web', 'db', 'cache'], vms: [{ machine: 'web' }, { machine: 'db' }] });
    const p = await loadProject(f.configPath);
    expect(p.vms.map((v) => [v.machineName, v.vmId])).toEqual([
      ['cache', null],
      ['db', '6f1c2d9e-0000-4000-8000-000000000002'],
      ['web', '6f1c2d9e-0000-4000-8000-000000000001'],
    ]);
    expect(p.vms[0]!.vmName).toBe(expectedVmName('myproject', 'cache', f.configPath));
  });
  it('a project never brought up has no state and no error', async () => {
    const f = makeFixture({ machines: ['web'] });
    expect((await loadProject(f.configPath)).state).toBeNull();
  });
  it('a corrupt state.json is an InputError naming the file and position, and is left untouched', async () => {
    const f = makeFixture({ machines: ['web'], vms: [{ machine: 'web' }] });
    writeFileSync(f.statePath, '{\n  "version": 1,\n  "vms": {,\n}');
    const before = readFileSync(f.statePath);
    await expect(loadProject(f.configPath)).rejects.toThrow(new RegExp(`${f.statePath.replace(/[.]/g, '\\.')}:3:\\d+: is not valid JSON`));
    expect(readFileSync(f.statePath)).toEqual(before);
  });
  it('a state.json of the wrong shape names the field', async () => {
    const f = makeFixture({ machines: ['web'], vms: [{ machine: 'web' }] });
    const state = JSON.parse(readFileSync(f.statePath, 'utf8'));
    state.version = 2;
    state.vms.web.network = { ipv4: '999.1', mac: null, discoveredAt: null, source: 'hyperv' };
    writeFileSync(f.statePath, JSON.stringify(state));
    const err = await loadProject(f.configPath).catch((e: InputError) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).problems.map((p) => p.field)).toEqual(['version', 'vms.web.network.ipv4']);
  });
  it('an unreadable config says to check --config', async () => {
    await expect(loadProject(path.join(os.tmpdir(), 'nope', 'ragnatramp.yaml'))).rejects.toThrow(/does not exist\nCheck the path of the ragnatramp.yaml\./);
  });
  it('computes Ragnatramp VM names from the lower-cased, slash-normalized config path', () => {
    expect(expectedVmName('demo', 'web', 'C:\\Work\\Demo\\ragnatramp.yaml')).toBe(expectedVmName('demo', 'web', 'c:/work/demo/ragnatramp.yaml'));
    expect(expectedVmName('demo', 'web', 'c:/work/demo/ragnatramp.yaml')).toMatch(/^demo-web-[0-9a-f]{8}$/);
  });
  it('warns when state.json belongs to another project name', async () => {
    const f = makeFixture({ machines: ['web'], vms: [{ machine: 'web' }] });
    const state = JSON.parse(readFileSync(f.statePath, 'utf8'));
    state.project = 'other';
    mkdirSync(path.dirname(f.statePath), { recursive: true });
    writeFileSync(f.statePath, JSON.stringify(state, null, 2));
    expect((await loadProject(f.configPath)).warnings[0]).toMatchObject({ code: 'state-other-project', text: expect.stringMatching(/belongs to project 'other'/) });
  });
});
