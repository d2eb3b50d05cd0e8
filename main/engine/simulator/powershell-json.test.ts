// The simulator's ConvertTo-Json output as Windows PowerShell 5.1 and 7 write it.
import { describe, expect, it } from 'vitest';
import { convertToJsonCompressed } from './powershell-json.js';

describe('ConvertTo-Json -InputObject @(…) -Compress', () => {
  it('is always an array on one line, one item included', () => {
    expect(convertToJsonCompressed([{ a: 1 }], '7')).toBe('[{"a":1}]');
    expect(convertToJsonCompressed([], '5.1')).toBe('[]');
  });
  it('5.1 escapes the HTML-sensitive characters like JavaScriptSerializer; 7 does not', () => {
    expect(convertToJsonCompressed([{ a: "O'Brien <&>" }], '5.1')).toBe('[{"a":"O\\u0027Brien \\u003c\\u0026\\u003e"}]');
    expect(JSON.parse(convertToJsonCompressed([{ a: "O'Brien <&>" }], '5.1'))).toEqual([{ a: "O'Brien <&>" }]);
    expect(convertToJsonCompressed([{ a: "O'Brien" }], '7')).toBe('[{"a":"O\'Brien"}]');
  });
});
