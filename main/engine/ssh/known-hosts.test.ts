// SSH host keys pinned on first use and checked ever after; a corrupt pin file stops SSH work;
// the tray's folder (where the pins live) is the same for the CLI and the app on every platform.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { newEd25519 } from '../../../dev/test-support/ssh-test-server.js';
import ssh2 from 'ssh2';
import { defaultTrayHome, FileHostKeyStore, fingerprintOf, keyTypeOf } from './known-hosts.js';

const blob = () => {
  const k = ssh2.utils.parseKey(newEd25519().public);
  if (k instanceof Error) throw k;
  return k.getPublicSSH();
};
const file = () => path.join(mkdtempSync(path.join(os.tmpdir(), 'rt-kh-')), 'sub', 'known_hosts.json');

describe('FileHostKeyStore', () => {
  it('two stores of one file (provider groups side by side) lose no pin', async () => {
    const f = file();
    const [one, two] = [new FileHostKeyStore(f), new FileHostKeyStore(f)];
    const keys = Array.from({ length: 6 }, blob);
    await Promise.all(keys.map((k, i) => (i % 2 ? one : two).verify(`vm:${i}`, '172.18.0.2', k)));
    expect(Object.keys(JSON.parse(readFileSync(f, 'utf8')).keys).sort()).toEqual(keys.map((_, i) => `vm:${i}`));
  });

  it('trusts on first use, then trusts the same key, then refuses another', async () => {
    const store = new FileHostKeyStore(file(), () => '2026-11-22T10:00:00.000Z');
    const a = blob();
    expect(await store.verify('vm:1', '172.18.0.2', a)).toEqual({ kind: 'first-use', fingerprint: fingerprintOf(a) });
    expect(await store.verify('vm:1', '172.18.0.9', a)).toEqual({ kind: 'trusted' });
    const b = blob();
    expect(await store.verify('vm:1', '172.18.0.2', b)).toEqual({
      kind: 'changed',
      pinned: { keyType: 'ssh-ed25519', fingerprint: fingerprintOf(a), key: a.toString('base64'), firstSeen: '2026-11-22T10:00:00.000Z', host: '172.18.0.2' },
      offered: { keyType: 'ssh-ed25519', fingerprint: fingerprintOf(b) },
    });
  });

  it('forgetting a pin lets the next key be trusted; the file is private', async () => {
    const f = file();
    const store = new FileHostKeyStore(f);
    await store.verify('vm:1', 'h', blob());
    expect(statSync(f).mode & 0o777).toBe(0o600);
    expect(await store.forget('vm:1')).toBe(true);
    expect(await store.forget('vm:1')).toBe(false);
    expect((await store.verify('vm:1', 'h', blob())).kind).toBe('first-use');
  });

  it('concurrent first uses of different VMs all persist', async () => {
    const f = file();
    const store = new FileHostKeyStore(f);
    await Promise.all(Array.from({ length: 10 }, (_, i) => store.verify(`vm:${i}`, 'h', blob())));
    expect(Object.keys(JSON.parse(readFileSync(f, 'utf8')).keys)).toHaveLength(10);
  });

  it('a corrupt pin file stops SSH work instead of trusting everything again', async () => {
    const f = path.join(mkdtempSync(path.join(os.tmpdir(), 'rt-kh-')), 'known_hosts.json');
    writeFileSync(f, '{ not json');
    await expect(new FileHostKeyStore(f).verify('vm:1', 'h', blob())).rejects.toThrow(/is not a valid host-key file.*\nFix or delete it/s);
    expect(readFileSync(f, 'utf8')).toBe('{ not json');
  });

  it("fingerprints match OpenSSH's ssh-keygen -l", () => {
    const pair = newEd25519();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rt-kg-'));
    writeFileSync(path.join(dir, 'k.pub'), `${pair.public}\n`);
    const k = ssh2.utils.parseKey(pair.public);
    if (k instanceof Error) throw k;
    const expected = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', path.join(dir, 'k.pub')]).toString().split(' ')[1]!;
    expect(fingerprintOf(k.getPublicSSH())).toBe(expected);
    expect(keyTypeOf(k.getPublicSSH())).toBe('ssh-ed25519');
  });
});

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
