// Where the host's tools are looked for. A Mac app started from Finder, the Dock or at login gets
// launchd's PATH (/usr/bin:/bin:/usr/sbin:/sbin), which holds none of what Homebrew installs
// (virsh, qemu, quickemu): Homebrew's prefix is /opt/homebrew on Apple silicon and /usr/local on
// Intel (Homebrew docs, Installation; quickemu itself reaches into /opt/homebrew/lib, quickemu:1238). Every child process the tray starts
// gets this PATH (Node looks a command up in the PATH of the env it is given, docs
// child_process.spawn "options.env.PATH"), and the hints name Homebrew's packages there.

import path from 'node:path';

export const HOMEBREW_BINS = ['/opt/homebrew/bin', '/usr/local/bin'] as const;

/** PATH with Homebrew's folders added after the user's own on macOS; unchanged elsewhere. */
export function toolPath(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string | undefined {
  if (platform !== 'darwin') return env.PATH;
  const own = (env.PATH ?? '').split(':').filter(Boolean);
  return [...own, ...HOMEBREW_BINS.filter((d) => !own.includes(d))].join(':');
}

/** How to install a tool on this host, in its package manager's words. */
export function installHint(tool: 'virsh' | 'qemu' | 'quickemu' | 'ip', platform: NodeJS.Platform): string {
  if (platform === 'darwin') {
    const brew = { virsh: 'libvirt', qemu: 'qemu', quickemu: 'quickemu', ip: null }[tool];
    return brew ? `Install it with Homebrew: brew install ${brew} (Ragnatramp Tray also looks in ${HOMEBREW_BINS.join(' and ')}).` : "macOS has no 'ip': the tray reads 'arp -an' there.";
  }
  return { virsh: 'Install libvirt-clients (Debian, Ubuntu) or libvirt-client (Fedora).', qemu: 'Install qemu-system (Debian, Ubuntu) or qemu-kvm (Fedora).', quickemu: 'Install quickemu (see github.com/quickemu-project/quickemu).', ip: "Install iproute2 (the 'ip' command)." }[tool];
}

/** The first folder on the tool PATH that holds `exe`, or null. */
export function findTool(exe: string, env: NodeJS.ProcessEnv, platform: NodeJS.Platform, exists: (file: string) => boolean): string | null {
  for (const dir of (toolPath(env, platform) ?? '').split(platform === 'win32' ? ';' : ':').filter(Boolean)) {
    const file = path.join(dir, exe);
    if (exists(file)) return file;
  }
  return null;
}
