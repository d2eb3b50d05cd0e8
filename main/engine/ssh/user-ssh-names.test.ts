// The names the user's own ssh config answers to: Host patterns as OpenSSH matches them, negation,
// catch-alls that are defaults rather than names, and Includes followed (globs, depth).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readUserHostPatterns, userHasName } from './user-ssh-names.js';

describe('userHasName', () => {
  it('a literal or a wildcard pattern takes a name; a negated one on its line gives it back; Host * is no name', () => {
    expect(userHasName([['web']], 'web')).toBe(true);
    expect(userHasName([['WEB']], 'web')).toBe(true);
    expect(userHasName([['web*']], 'web')).toBe(true);
    expect(userHasName([['*.lan']], 'web')).toBe(false);
    expect(userHasName([['w?b', '!web']], 'web')).toBe(false);
    expect(userHasName([['*'], ['?*']], 'web')).toBe(false);
  });
});

describe('readUserHostPatterns', () => {
  it('follows Includes (globs, in name order) and skips the tray\'s own', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rt-user-ssh-'));
    mkdirSync(path.join(dir, 'conf.d'));
    mkdirSync(path.join(dir, 'tray'));
    writeFileSync(path.join(dir, 'config'), `Include "${path.join(dir, 'tray', 'config')}"\nHost a\nInclude ${path.join(dir, 'conf.d')}/*.conf\n`);
    writeFileSync(path.join(dir, 'conf.d', '2.conf'), 'Host c\n');
    writeFileSync(path.join(dir, 'conf.d', '1.conf'), `Host b b2\nInclude ${path.join(dir, 'config')}\n`);
    writeFileSync(path.join(dir, 'conf.d', 'x.txt'), 'Host not-included\n');
    writeFileSync(path.join(dir, 'tray', 'config'), 'Host web\n');
    expect(await readUserHostPatterns(path.join(dir, 'config'), path.join(dir, 'tray'))).toEqual([['a'], ['b', 'b2'], ['c']]);
  });
});
