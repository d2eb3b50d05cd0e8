// The OpenSSH client config: names, clashes across projects, quoting, the Include merge, and
// the pinned keys as known_hosts lines.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileHostKeyStore } from './known-hosts.js';
import { hostNames, includeBlock, mergeInclude, renderSshClientConfig, type SshHostEntry } from './ssh-client-config.js';

const entry = (project: string, machine: string, host = '172.18.0.2'): SshHostEntry => ({ project, machine, host, port: 22, user: 'ubuntu', identityFile: '/k/id', hostKeyAlias: `vm:${project}-${machine}` });

describe('renderSshClientConfig', () => {
  it('one Host per VM: its address, user, key, pinned host key and no questions', () => {
    expect(renderSshClientConfig([entry('shop', 'web')], '/t/ssh/known_hosts').text).toBe(
      [
        '# Written by Ragnatramp Tray at every pass that changes an address; edits are overwritten.',
        '',
        'Host web web.shop',
        '  HostName 172.18.0.2',
        '  User "ubuntu"',
        '  IdentityFile "/k/id"',
        '  IdentitiesOnly yes',
        '  HostKeyAlias vm:shop-web',
        '  UserKnownHostsFile "/t/ssh/known_hosts"',
        '  StrictHostKeyChecking yes',
        '',
      ].join('\n'),
    );
  });

  it('a machine name two projects share is reachable by the longer names only', () => {
    const a = entry('shop', 'web');
    const b = entry('blog', 'Web');
    const c = entry('blog', 'db');
    const { names } = hostNames([a, b, c]);
    expect(names.get(a)).toEqual(['web.shop']);
    expect(names.get(b)).toEqual(['web.blog']);
    expect(names.get(c)).toEqual(['db', 'db.blog']);
  });

  it('leaves out a VM whose value would break out of its quotes, and writes the others', () => {
    const out = renderSshClientConfig([{ ...entry('p', 'web'), identityFile: '/k/id"\nProxyCommand evil' }, entry('p', 'db')], '/t');
    expect(out.refused.map((r) => r.message)).toEqual([expect.stringMatching(/^web \(p\) was left out of the OpenSSH config: the key path .* holds a control character/)]);
    expect(out.text).toContain('Host db db.p');
    expect(out.text).not.toContain('ProxyCommand');
  });

  it("a value that is not ragnatramp.yaml's says where to change it: the tray's folder, or the hypervisor's answer", () => {
    const folder = renderSshClientConfig([entry('p', 'web')], '/t/${X}/known_hosts');
    expect(folder.refused.map((r) => r.message)).toEqual([expect.stringMatching(/known_hosts path .* holds "\$\{".*\. Move the tray's folder \(RAGNATRAMP_TRAY_HOME\) to a path without it\.$/)]);
    const address = renderSshClientConfig([entry('p', 'web', '-oProxyCommand=x')], '/t/known_hosts');
    expect(address.refused.map((r) => r.message)).toEqual([expect.stringMatching(/its address .* is not an IP address or host name\. The hypervisor reported it, not ragnatramp\.yaml: send a support bundle\.$/)]);
    const yaml = renderSshClientConfig([{ ...entry('p', 'web'), user: 'a b' }], '/t/known_hosts');
    expect(yaml.refused.map((r) => r.message)).toEqual([expect.stringMatching(/Change it in ragnatramp\.yaml\.$/)]);
  });

  it('a short name the user already has, or another project has among all its machines (up or not), is not written', () => {
    const a = entry('shop', 'web');
    const { names, leftToUser } = hostNames([a, entry('shop', 'db')], { machines: [{ project: 'blog', machine: 'db' }], userHas: (n) => n === 'web' });
    expect(names.get(a)).toEqual(['web.shop']);
    expect([...names.values()][1]).toEqual(['db.shop']);
    expect(leftToUser).toEqual([{ name: 'web', instead: 'web.shop' }]);
  });
});

describe('the Include in ~/.ssh/config', () => {
  const block = includeBlock('/t/ssh/config');

  it('goes at the top, where it applies to every host; every other byte stays', () => {
    const mine = 'Host *\r\n  ServerAliveInterval 30\r\n';
    const merged = mergeInclude(mine, '/t/ssh/config');
    expect(merged).toBe(`${block.replace(/\n/g, '\r\n')}${mine}`);
    expect(mergeInclude(merged, '/t/ssh/config')).toBe(merged);
    expect(mergeInclude('', '/t/ssh/config')).toBe(block);
  });

  it('a moved tray folder replaces the Include where it stands', () => {
    const old = `Host a\n  User x\n${includeBlock('/old/config')}`;
    expect(mergeInclude(old, '/t/ssh/config')).toBe(`Host a\n  User x\n${block}`);
  });
});

describe('pinned keys as known_hosts lines', () => {
  it('a key pinned on first use, and one pinned before keys were kept (filled in when next seen)', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'rt-kh-')), 'pins.json');
    const store = new FileHostKeyStore(file);
    const blob = Buffer.concat([Buffer.from([0, 0, 0, 11]), Buffer.from('ssh-ed25519'), Buffer.from([0, 0, 0, 4, 1, 2, 3, 4])]);
    expect(await store.knownHostsLines()).toEqual([]);
    await store.verify('vm:1', '10.0.0.1', blob);
    expect(await store.knownHostsLines()).toEqual([`vm:1 ssh-ed25519 ${blob.toString('base64')}`]);
    // A pin written before keys were kept: trusted by fingerprint, then completed.
    const old = JSON.parse(readFileSync(file, 'utf8'));
    delete old.keys['vm:1'].key;
    writeFileSync(file, JSON.stringify(old));
    expect(await store.knownHostsLines()).toEqual([]);
    expect(await store.verify('vm:1', '10.0.0.9', blob)).toEqual({ kind: 'trusted' });
    expect(await store.knownHostsLines()).toEqual([`vm:1 ssh-ed25519 ${blob.toString('base64')}`]);
  });
});

describe('extra names from the settings (the domain, aliases)', () => {
  it('follow the machine names on its Host line; one another VM answers to, or the user\'s own config has, is left out', () => {
    const web = { ...entry('shop', 'web'), aliases: ['web.demo.internal', 'www', 'db', 'shared', 'mine'] };
    const db = { ...entry('shop', 'db', '172.18.0.3'), aliases: ['db.demo.internal', 'shared'] };
    const { names } = hostNames([web, db], { userHas: (n) => n === 'mine' });
    expect(names.get(web)).toEqual(['web', 'web.shop', 'web.demo.internal', 'www']);
    expect(names.get(db)).toEqual(['db', 'db.shop', 'db.demo.internal']);
    expect(renderSshClientConfig([web], '/t/ssh/known_hosts').text).toContain('Host web web.shop web.demo.internal www db shared mine\n');
  });
});
