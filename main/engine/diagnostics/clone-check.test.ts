// Cloned guests: each is told which others share its machine-id.
import { describe, expect, it } from 'vitest';
import { cloneWarnings } from './clone-check.js';

describe('cloneWarnings', () => {
  it('names, for each guest, the others that share its machine-id; unknown ids prove nothing', () => {
    const a = 'a'.repeat(32);
    const w = cloneWarnings(new Map([['web', a], ['db', a], ['cache', 'b'.repeat(32)], ['x', null], ['y', null]]));
    expect([...w.keys()]).toEqual(['web', 'db']);
    expect(w.get('web')).toEqual({ code: 'cloned-image', text: expect.stringMatching(/^Cloned image: web shares \/etc\/machine-id with db, .*sudo rm \/etc\/machine-id && sudo systemd-machine-id-setup/) });
  });
});
