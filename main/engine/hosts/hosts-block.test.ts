// The managed /etc/hosts block: rendered, and merged into a file without touching the rest.
import { describe, expect, it } from 'vitest';
import { HostsFileError, mergeHostsBlock, renderHostsBlock, renderHostsBlockChecked } from './hosts-block.js';

const block = renderHostsBlock([
  { ip: '172.16.0.11', name: 'web' },
  { ip: '172.16.0.10', name: 'db' },
]);

describe('renderHostsBlock', () => {
  it('renders seed 001 R5 exactly, sorted by machine name', () => {
    expect(block).toBe('# BEGIN RAGNATRAMP\n# Managed by ragnatramp - do not edit this block\n172.16.0.10 db\n172.16.0.11 web\n# END RAGNATRAMP\n');
  });
  it('keeps the markers when no VM has an address', () => {
    expect(renderHostsBlock([])).toBe('# BEGIN RAGNATRAMP\n# Managed by ragnatramp - do not edit this block\n# END RAGNATRAMP\n');
  });
});

describe('mergeHostsBlock', () => {
  const ubuntu = '127.0.0.1 localhost\n127.0.1.1 web\n\n::1 ip6-localhost ip6-loopback\n';

  it('appends the block to a file that has none', () => {
    expect(mergeHostsBlock(ubuntu, block)).toBe(ubuntu + block);
  });
  it('writes just the block into an empty file', () => {
    expect(mergeHostsBlock('', block)).toBe(block);
  });
  it('adds the missing final newline before appending', () => {
    expect(mergeHostsBlock('127.0.0.1 localhost', block)).toBe(`127.0.0.1 localhost\n${block}`);
  });
  it('replaces the block where it stands and keeps every other byte', () => {
    const old = `# top\n${renderHostsBlock([{ ip: '10.0.0.1', name: 'old' }])}10.9.9.9 mine # keep   spacing\t\n`;
    expect(mergeHostsBlock(old, block)).toBe(`# top\n${block}10.9.9.9 mine # keep   spacing\t\n`);
  });
  it('collapses duplicate managed blocks into one, at the first position', () => {
    const one = renderHostsBlock([{ ip: '10.0.0.1', name: 'a' }]);
    const two = renderHostsBlock([{ ip: '10.0.0.2', name: 'b' }]);
    expect(mergeHostsBlock(`x\n${one}y\n${two}z\n`, block)).toBe(`x\n${block}y\nz\n`);
  });
  it('keeps a CRLF file CRLF', () => {
    const crlf = '127.0.0.1 localhost\r\n::1 localhost\r\n';
    const merged = mergeHostsBlock(crlf, block);
    expect(merged).toBe(crlf + block.replace(/\n/g, '\r\n'));
    expect(merged.replace(/\r\n/g, '')).not.toContain('\n');
  });
  it('keeps a file whose block was the unterminated last line unterminated', () => {
    const old = `127.0.0.1 localhost\n${renderHostsBlock([{ ip: '10.0.0.1', name: 'a' }]).slice(0, -1)}`;
    expect(mergeHostsBlock(old, block)).toBe(`127.0.0.1 localhost\n${block.slice(0, -1)}`);
  });
  it("leaves other tools' managed blocks untouched", () => {
    const ansible = '# BEGIN ANSIBLE MANAGED BLOCK\n10.1.1.1 x\n# END ANSIBLE MANAGED BLOCK\n';
    expect(mergeHostsBlock(ansible, block)).toBe(ansible + block);
  });
  it('is idempotent: merging twice gives the same text', () => {
    for (const start of [ubuntu, '', 'a', 'a\r\nb\r\n', `${block}${block}`, `x\n${block}y`]) {
      const once = mergeHostsBlock(start, block);
      expect(mergeHostsBlock(once, block)).toBe(once);
    }
  });
  it('tolerates markers with trailing spaces or CR', () => {
    const old = '# BEGIN RAGNATRAMP  \n1.1.1.1 a\n# END RAGNATRAMP\r\nrest\n';
    expect(mergeHostsBlock(old, block)).toBe(`${block}rest\n`);
  });
  it('refuses a BEGIN without END rather than eat the rest of the file', () => {
    expect(() => mergeHostsBlock('a\n# BEGIN RAGNATRAMP\n1.1.1.1 x\nprecious\n', block)).toThrow(HostsFileError);
    expect(() => mergeHostsBlock('a\n# BEGIN RAGNATRAMP\n1.1.1.1 x\nprecious\n', block)).toThrow(/line 2/);
  });
  it('refuses a stray END marker', () => {
    expect(() => mergeHostsBlock('a\n# END RAGNATRAMP\n', block)).toThrow(/without a '# BEGIN RAGNATRAMP'/);
  });
  it('refuses nested BEGIN markers', () => {
    expect(() => mergeHostsBlock('# BEGIN RAGNATRAMP\n# BEGIN RAGNATRAMP\n# END RAGNATRAMP\n', block)).toThrow(HostsFileError);
  });
  it('round-trips bytes that are not UTF-8 when handled as latin1', () => {
    const latin1 = Buffer.from([0x31, 0x20, 0xff, 0xfe, 0x0a]).toString('latin1');
    expect(Buffer.from(mergeHostsBlock(latin1, block), 'latin1').subarray(0, 5)).toEqual(Buffer.from([0x31, 0x20, 0xff, 0xfe, 0x0a]));
  });
});


describe('extra names on a machine line (a domain, aliases)', () => {
  it('writes them after the machine name, lower case, and leaves out one another machine answers to, saying why', () => {
    const rendered = renderHostsBlockChecked([
      { ip: '10.0.0.2', name: 'web', aliases: ['web.demo.internal', 'WWW', 'db', 'shared'] },
      { ip: '10.0.0.3', name: 'db', aliases: ['db.demo.internal', 'shared'] },
    ]);
    expect(rendered.block).toBe('# BEGIN RAGNATRAMP\n# Managed by ragnatramp - do not edit this block\n10.0.0.3 db db.demo.internal\n10.0.0.2 web web.demo.internal www\n# END RAGNATRAMP\n');
    expect(rendered.skipped).toEqual([
      { name: 'web', alias: 'db', reason: 'The extra name "db" of "web" is the name of machine "db"; it was left out of the hosts block' },
      { name: 'web', alias: 'shared', reason: 'The extra name "shared" of "web" is wanted by another machine too; it was left out of the hosts block' },
      { name: 'db', alias: 'shared', reason: 'The extra name "shared" of "db" is wanted by another machine too; it was left out of the hosts block' },
    ]);
  });
  it('never writes an extra name that could forge another line (a newline, a space)', () => {
    const rendered = renderHostsBlockChecked([{ ip: '10.0.0.2', name: 'web', aliases: ['a\n10.6.6.6 bank', 'two words'] }]);
    expect(rendered.block).toContain('\n10.0.0.2 web\n');
    expect(rendered.block).not.toContain('bank');
    expect(rendered.skipped.map((s) => s.alias)).toEqual(['a\n10.6.6.6 bank', 'two words']);
  });
});
