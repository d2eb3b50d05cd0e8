// A path as users paste it: quotes from Windows' "Copy as path", `~` (in fields and quoted flags
// alike), a project's folder; a relative path refused with why, in the platform's own words; one
// file under two spellings (a link, another case on APFS) is one file.
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { providerArgs } from '../providers/provider-args.js';
import { expandHome, projectConfigPath, sameFileAmong, userPath } from './user-path.js';

describe('userPath', () => {
  it('takes off the quotes "Copy as path" puts around a Windows path, and the blanks around a paste', () => {
    expect(userPath('"C:\\Users\\me\\demo\\ragnatramp.yaml"', { platform: 'win32' })).toBe('C:\\Users\\me\\demo\\ragnatramp.yaml');
    expect(userPath("  '/home/me/demo/ragnatramp.yaml'\n", { platform: 'linux' })).toBe('/home/me/demo/ragnatramp.yaml');
    expect(userPath('\\\\server\\share\\demo\\ragnatramp.yaml', { platform: 'win32' })).toBe('\\\\server\\share\\demo\\ragnatramp.yaml');
  });

  it('reads ~ as the home folder', () => {
    expect(userPath('~/demo/ragnatramp.yaml', { home: '/home/me', platform: 'linux' })).toBe('/home/me/demo/ragnatramp.yaml');
    expect(userPath('"~\\demo\\ragnatramp.yaml"', { home: 'C:\\Users\\me', platform: 'win32' })).toBe('C:\\Users\\me\\demo\\ragnatramp.yaml');
    expect(expandHome('~', '/home/me')).toBe('/home/me');
    expect(expandHome('~other/x', '/home/me')).toBe('~other/x');
  });

  it('refuses a relative path, saying why and what a full one looks like on this platform', () => {
    expect(() => userPath('demo/ragnatramp.yaml', { platform: 'linux' })).toThrow('The path "demo/ragnatramp.yaml" is relative, and the tray has no working folder it could be relative to: give the full path (such as ~/project/ragnatramp.yaml).');
    expect(() => userPath('demo\\ragnatramp.yaml', { platform: 'win32' })).toThrow(/is relative.*such as C:\\Users\\you\\project\\ragnatramp\.yaml/);
    // Drive-relative and root-relative Windows paths depend on a current drive and folder too.
    expect(() => userPath('C:demo\\ragnatramp.yaml', { platform: 'win32' })).toThrow(/is relative/);
    expect(() => userPath('\\demo\\ragnatramp.yaml', { platform: 'win32' })).toThrow(/is relative/);
    expect(() => userPath('""', { platform: 'linux' })).toThrow(/is empty/);
  });
});

describe('projectConfigPath', () => {
  it("a project's folder means its ragnatramp.yaml; a folder without one says so", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rt-paste-'));
    writeFileSync(path.join(dir, 'ragnatramp.yaml'), 'project: {name: demo}\n');
    expect(await projectConfigPath(`"${dir}"`)).toBe(path.join(dir, 'ragnatramp.yaml'));
    expect(await projectConfigPath(`${dir}/`)).toBe(path.join(dir, 'ragnatramp.yaml'));
    mkdirSync(path.join(dir, 'empty'));
    await expect(projectConfigPath(path.join(dir, 'empty'))).rejects.toThrow(`The folder ${path.join(dir, 'empty')} holds no ragnatramp.yaml: give the folder of a Ragnatramp project, or the path of its ragnatramp.yaml.`);
  });
});

describe('paths as typed', () => {
  it('expands ~ in the folder, manifest and token fields (and quoted flags), nothing else', () => {
    expect(expandHome('~/VMs', '/Users/ada')).toBe('/Users/ada/VMs');
    expect(expandHome('~', '/Users/ada')).toBe('/Users/ada');
    expect(expandHome('~bob/x', '/Users/ada')).toBe('~bob/x');
    expect(expandHome('/a/~/b', '/Users/ada')).toBe('/a/~/b');
    const home = os.homedir();
    expect(providerArgs({ quickemu: '~/VMs', manifest: '~/m.json', 'proxmox-token': '~/t.token' })).toEqual({ quickemu: path.join(home, 'VMs'), manifest: path.join(home, 'm.json'), proxmoxToken: path.join(home, 't.token') });
  });

  it('one file under two spellings is one file; two files are two', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rt-samefile-'));
    mkdirSync(path.join(dir, 'Proj'));
    const file = path.join(dir, 'Proj', 'ragnatramp.yaml');
    writeFileSync(file, 'x');
    writeFileSync(path.join(dir, 'other.yaml'), 'y');
    symlinkSync(path.join(dir, 'Proj'), path.join(dir, 'link'));
    expect(await sameFileAmong([file], path.join(dir, 'link', 'ragnatramp.yaml'))).toBe(file);
    expect(await sameFileAmong([path.join(dir, 'other.yaml'), file], path.join(dir, 'Proj', '..', 'Proj', 'ragnatramp.yaml'))).toBe(file);
    expect(await sameFileAmong([path.join(dir, 'other.yaml')], file)).toBeNull();
    expect(await sameFileAmong([file], path.join(dir, 'gone.yaml'))).toBeNull();
  });
});
