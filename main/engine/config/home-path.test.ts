// Where things live on a Mac, and paths as people type them: the tray's folder is
// ~/Library/Application Support/Ragnatramp Tray whatever the shell sets (the CLI in a terminal
// with XDG_CONFIG_HOME and the app started from Finder agree), `~` is expanded in every path a
// field or a quoted flag gives, and two spellings of one file (a link, another case on APFS) are
// one file.
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { providerArgs } from '../providers/provider-args.js';
import { defaultTrayHome } from '../ssh/known-hosts.js';
import { expandHome, sameFileAmong } from './home-path.js';

describe("the tray's folder", () => {
  it('on macOS: Application Support, the same for a terminal that sets XDG_CONFIG_HOME and for launchd', () => {
    const mac = path.join('/Users/ada', 'Library', 'Application Support', 'Ragnatramp Tray');
    expect(defaultTrayHome({ HOME: '/Users/ada', XDG_CONFIG_HOME: '/Users/ada/.config' }, 'darwin', '/Users/ada')).toBe(mac);
    expect(defaultTrayHome({ PATH: '/usr/bin:/bin:/usr/sbin:/sbin' }, 'darwin', '/Users/ada')).toBe(mac);
    expect(defaultTrayHome({ RAGNATRAMP_TRAY_HOME: '~/tray' }, 'darwin', '/Users/ada')).toBe('/Users/ada/tray');
    expect(defaultTrayHome({ XDG_CONFIG_HOME: '/x' }, 'linux', '/home/ada')).toBe('/x/ragnatramp-tray');
    expect(defaultTrayHome({}, 'linux', '/home/ada')).toBe('/home/ada/.config/ragnatramp-tray');
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
