import { describe, expect, it } from 'vitest';
import { convertToJson } from './powershell-json.js';

describe("ConvertTo-Json's layout", () => {
  it('5.1: four-space indent, two spaces after the colon, arrays aligned to their bracket', () => {
    expect(convertToJson([{ Name: 'Network Adapter', IPAddresses: ['172.18.185.163', 'fe80::1'], Empty: [], N: null, B: true }], '5.1')).toBe(
      [
        '{',
        '    "Name":  "Network Adapter",',
        '    "IPAddresses":  [',
        '                        "172.18.185.163",',
        '                        "fe80::1"',
        '                    ],',
        '    "Empty":  [',
        '',
        '              ],',
        '    "N":  null,',
        '    "B":  true',
        '}',
      ].join('\n'),
    );
  });
  it('5.1 escapes the HTML-sensitive characters like JavaScriptSerializer', () => {
    expect(convertToJson([{ a: "O'Brien <&>" }], '5.1')).toContain('"O\\u0027Brien \\u003c\\u0026\\u003e"');
    expect(JSON.parse(convertToJson([{ a: "O'Brien <&>" }], '5.1'))).toEqual({ a: "O'Brien <&>" });
  });
  it('nothing is empty output in 5.1 and null in 7; one item is a bare object; more an array', () => {
    expect(convertToJson([], '5.1')).toBe('');
    expect(convertToJson([], '7')).toBe('null');
    expect(JSON.parse(convertToJson([{ a: 1 }], '5.1'))).toEqual({ a: 1 });
    expect(JSON.parse(convertToJson([{ a: 1 }, { a: 2 }], '5.1'))).toEqual([{ a: 1 }, { a: 2 }]);
  });
});
