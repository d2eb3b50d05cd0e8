// Proves that a machine's extra names are looked up by its own name only: a VM its hypervisor
// names like an Object member (constructor, __proto__) has no aliases but its own, and the pass
// goes on.
import { describe, expect, it } from 'vitest';
import { extraNames } from './host-names.js';

describe('extraNames', () => {
  it('gives a machine named constructor or __proto__ its domain name and no alias it was not given', () => {
    const names = { domain: 'demo.internal', aliases: { web: ['www'] } };
    expect(extraNames('web', names)).toEqual({ names: ['web.demo.internal', 'www'], problems: [] });
    expect(extraNames('constructor', names)).toEqual({ names: ['constructor.demo.internal'], problems: [] });
    expect(extraNames('__proto__', names).names).toEqual([]);
  });
});
