// A Mac app started from Finder or at login has launchd's PATH: the tray still finds Homebrew's
// tools (Apple silicon's /opt/homebrew/bin, Intel's /usr/local/bin), and every child process it
// starts gets that PATH; on Linux nothing changes. Hints name Homebrew's packages on a Mac.
import { describe, expect, it } from 'vitest';
import { cLocaleEnv } from './c-locale.js';
import { findTool, installHint, toolPath } from './tool-path.js';

const LAUNCHD = { PATH: '/usr/bin:/bin:/usr/sbin:/sbin', HOME: '/Users/ada' };

describe("tools where Homebrew puts them", () => {
  it("adds Homebrew's folders after launchd's PATH on macOS, never twice, and leaves Linux alone", () => {
    expect(toolPath(LAUNCHD, 'darwin')).toBe('/usr/bin:/bin:/usr/sbin:/sbin:/opt/homebrew/bin:/usr/local/bin');
    expect(toolPath({ PATH: '/usr/local/bin:/usr/bin' }, 'darwin')).toBe('/usr/local/bin:/usr/bin:/opt/homebrew/bin');
    expect(toolPath(LAUNCHD, 'linux')).toBe(LAUNCHD.PATH);
    expect(cLocaleEnv(LAUNCHD, 'darwin')).toMatchObject({ LC_ALL: 'C', PATH: '/usr/bin:/bin:/usr/sbin:/sbin:/opt/homebrew/bin:/usr/local/bin', HOME: '/Users/ada' });
    expect(cLocaleEnv(LAUNCHD, 'linux').PATH).toBe(LAUNCHD.PATH);
  });

  it("finds virsh in /opt/homebrew/bin from a Finder-started app's PATH", () => {
    const files = new Set(['/opt/homebrew/bin/virsh', '/usr/local/bin/quickemu']);
    expect(findTool('virsh', LAUNCHD, 'darwin', (f) => files.has(f))).toBe('/opt/homebrew/bin/virsh');
    expect(findTool('quickemu', LAUNCHD, 'darwin', (f) => files.has(f))).toBe('/usr/local/bin/quickemu');
    expect(findTool('virsh', LAUNCHD, 'linux', (f) => files.has(f))).toBeNull();
  });

  it("says Homebrew's package names on a Mac", () => {
    expect(installHint('virsh', 'darwin')).toMatch(/brew install libvirt/);
    expect(installHint('qemu', 'darwin')).toMatch(/brew install qemu/);
    expect(installHint('virsh', 'linux')).toMatch(/libvirt-clients/);
  });
});
