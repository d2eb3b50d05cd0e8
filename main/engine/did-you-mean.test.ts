// The nearest known word offered for a mistyped one.
import { describe, expect, it } from 'vitest';
import { closest, didYouMean } from './did-you-mean.js';

describe('did you mean', () => {
  it('finds a typo, a swap of two letters and a word cut short; nothing for a stranger', () => {
    expect(closest('stauts', ['status', 'reconcile'])).toBe('status');
    expect(closest('wbe', ['web', 'db'])).toBe('web');
    expect(closest('recon', ['status', 'reconcile'])).toBe('reconcile');
    expect(closest('frobnicate', ['status', 'reconcile'])).toBeNull();
    expect(didYouMean('--dryrun', ['--dry-run', '--json'])).toBe("; did you mean '--dry-run'?");
    expect(didYouMean('zz', ['web'])).toBe('');
  });
});
