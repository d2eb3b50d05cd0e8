// The guest checks: the probe script run by a real shell, and what each provider expects of a guest.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { diagnoseGuest, GUEST_PROBE_COMMAND, parseGuestProbe, type GuestFacts } from './guest-checks.js';

const facts = (over: Partial<GuestFacts> = {}): GuestFacts => ({ osId: 'ubuntu', osLike: ['debian'], osName: 'Ubuntu 24.04', kernel: '6.8.0-45-generic', kvpInstalled: false, kvpRunning: false, sudo: true, cloudInit: false, manageEtcHosts: '', machineId: null, ...over });
const BLOCK = '# BEGIN RAGNATRAMP\n# Managed by ragnatramp - do not edit this block\n10.0.0.2 web\n# END RAGNATRAMP\n';

describe('guest checks', () => {
  // Seen on a busybox guest (the QEMU lab's): `. /etc/os-release` of a missing file ended the
  // whole probe, so every check read as failed. /etc is hidden under a tmpfs in a private mount
  // namespace, as on a guest that has no os-release.
  it.skipIf(process.getuid?.() !== 0)('the probe runs to its end on a guest without /etc/os-release', () => {
    for (const shell of ['sh', 'busybox']) {
      const argv = shell === 'busybox' ? ['busybox', 'sh'] : ['sh'];
      const r = spawnSync('unshare', ['--mount', 'sh', '-c', 'mount -t tmpfs none /etc && exec "$@"', 'probe', ...argv, '-c', GUEST_PROBE_COMMAND]);
      if (shell === 'busybox' && r.error) continue; // no busybox on this machine
      const f = parseGuestProbe(r.stdout.toString());
      expect([shell, f.osId, f.kernel]).toEqual([shell, 'unknown', spawnSync('uname', ['-r']).stdout.toString().trim()]);
      expect(f.sudo).toBe(true); // root: no sudo needed
    }
  });

  it('looks for the KVP daemon only where the provider depends on it', () => {
    const hyperv = diagnoseGuest(facts(), BLOCK, { block: BLOCK, kvpDaemon: true }, 'ubuntu');
    expect(hyperv.kvpDaemon).toMatchObject({ installed: false, package: 'linux-cloud-tools-6.8.0-45-generic' });
    expect(hyperv.warnings.join('\n')).toMatch(/KVP daemon/);
    const other = diagnoseGuest(facts(), BLOCK, { block: BLOCK, kvpDaemon: false }, 'ubuntu');
    expect(other.kvpDaemon).toBeNull();
    expect(other.warnings).toEqual([]);
  });

  it('a VM that gets no block (it cannot reach its peers) is not told to reconcile for one', () => {
    const d = diagnoseGuest(facts(), '127.0.0.1 localhost\n', { block: null, kvpDaemon: false }, 'root');
    expect([d.hostsBlock, d.warnings]).toEqual(['unmanaged', []]);
    // Nor told that hosts sync needs sudo: it has no hosts sync.
    expect(diagnoseGuest(facts({ sudo: false }), '127.0.0.1 localhost\n', { block: null, kvpDaemon: false }, 'me').warnings).toEqual([]);
    expect(diagnoseGuest(facts({ sudo: false }), BLOCK, { block: BLOCK, kvpDaemon: false }, 'me').warnings.join('\n')).toMatch(/passwordless sudo/);
    expect(diagnoseGuest(facts(), '127.0.0.1 localhost\n', { block: BLOCK, kvpDaemon: false }, 'root').hostsBlock).toBe('missing');
  });
});
