// OpenSSH's config syntax as the tray reads and writes it: argv_split's quoting and escapes
// (misc.c:2130), the spelling that round-trips each kind of value, the refusals, and the
// HostKeyAlias OpenSSH is given for a pin.
import { describe, expect, it } from 'vitest';
import { ownParserProblem } from './openssh-check.js';
import { argvSplit, opensshHostKeyAlias, opensshUser, opensshWord, parseOpensshConfig } from './openssh-syntax.js';

describe('argvSplit (misc.c:2130)', () => {
  it('splits on blanks, honours both quotes, and unescapes \\\\ \\" \\\' (and "\\ " outside quotes) only', () => {
    expect(argvSplit('a "b c" \'d e\' f\\ g')).toEqual(['a', 'b c', 'd e', 'f g']);
    expect(argvSplit('"C:\\Users\\me" "\\\\srv\\\\share"')).toEqual(['C:\\Users\\me', '\\srv\\share']);
    expect(argvSplit('"a \\"q\\" b"')).toEqual(['a "q" b']);
    expect(argvSplit('x # a comment')).toEqual(['x']);
    expect(argvSplit('"x # kept"')).toEqual(['x # kept']);
  });

  it('an open quote is "invalid quotes" (null): what a trailing backslash inside quotes causes', () => {
    expect(argvSplit('"C:\\keys\\"')).toBeNull();
  });
});

describe('opensshWord', () => {
  it('every printable value round-trips; % is doubled only where OpenSSH expands it', () => {
    for (const v of ['/k/my key', '/k/"q"', 'C:\\k\\', '\\\\srv\\share\\id', "/k/it's", '/k/#x']) {
      expect(argvSplit(opensshWord(v, 'none', 'v'))).toEqual([v]);
    }
    expect(opensshWord('/k/50%', 'percent-dollar', 'v')).toBe('"/k/50%%"');
    expect(opensshWord('/k/50%', 'none', 'v')).toBe('"/k/50%"');
  });

  it('refuses what no spelling carries', () => {
    expect(() => opensshWord('/k/a\nb', 'none', 'the key')).toThrow(/the key holds a control character/);
    expect(() => opensshWord('/k/${HOME}', 'percent-dollar', 'the key')).toThrow(/environment variable/);
    expect(() => opensshWord('/t/50%', 'varies', 'the path')).toThrow(/OpenSSH versions read differently/);
    expect(() => opensshUser('a%b')).toThrow(/OpenSSH versions read differently/);
  });
});

describe('opensshHostKeyAlias', () => {
  it('keeps a plain pin name (lower case) and gives a stable digest for one OpenSSH would split or read as a pattern', () => {
    expect(opensshHostKeyAlias('vm:6F1C2D9E-0000')).toBe('vm:6f1c2d9e-0000');
    const spaced = opensshHostKeyAlias('vm:quickemu:/home/me/My VMs/web.conf');
    expect(spaced).toMatch(/^ragnatramp-[0-9a-f]{32}$/);
    expect(opensshHostKeyAlias('vm:quickemu:/home/me/My VMs/web.conf')).toBe(spaced);
    for (const odd of ['@cert-authority', 'a,b', 'a*', '!a']) expect(opensshHostKeyAlias(odd)).toMatch(/^ragnatramp-/);
  });
});

describe('reading a whole file', () => {
  it('keywords in any case, with = or blanks; an open quote is named by its line', () => {
    expect(parseOpensshConfig('Host a b\n  HOSTNAME=10.0.0.1\n').lines).toEqual([
      { line: 1, keyword: 'host', args: ['a', 'b'] },
      { line: 2, keyword: 'hostname', args: ['10.0.0.1'] },
    ]);
    expect(ownParserProblem('Host a\n  IdentityFile "C:\\k\\"\n')).toBe('line 2 has an unterminated quote');
    expect(ownParserProblem('Host a\n  HostKeyAlias vm:my vms\n')).toBe('line 2 (hostkeyalias) does not read as one value');
  });
});
