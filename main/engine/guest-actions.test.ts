// The clone check adds its warning to a guest report's texts and, with its code, to its codedWarnings.
import { describe, expect, it } from 'vitest';
import type { GuestDiagnostic } from './diagnostics/guest-checks.js';
import { withCloneCheck } from './guest-actions.js';

const report = (machineId: string): GuestDiagnostic => ({ os: 'Ubuntu', kernel: '6.8', kvpDaemon: null, sudo: true, cloudInitManagesHosts: false, hostsBlock: 'current', machineId, warnings: [], codedWarnings: [] });

describe('withCloneCheck', () => {
  it('a guest sharing /etc/machine-id gets the cloned-image warning in both lists', () => {
    const out = withCloneCheck(new Map([['web', report('a')], ['db', report('a')], ['cache', report('b')]]));
    const web = out.get('web') as GuestDiagnostic;
    expect(web.clonedWith).toEqual(['db']);
    expect(web.codedWarnings).toEqual([{ code: 'cloned-image', text: web.warnings[0] }]);
    expect((out.get('cache') as GuestDiagnostic).codedWarnings).toEqual([]);
  });
});
