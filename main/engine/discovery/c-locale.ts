// The environment of every child process whose output the tray parses (virsh, ip, arp, ps,
// ssh -G): the user's own with LC_ALL=C, so that it prints the untranslated words the parsers
// read (PowerShell has its own, powershell-runner.ts). virsh translates its state words (`_()`
// in virshDomainStateToString, libvirt 9.0.0 tools/virsh-domain-monitor.c:143-147: "laufend"
// for "running" with libvirt-l10n under de_DE), and gettext ignores LANGUAGE when the locale is
// C, so LC_ALL alone is enough. On macOS its PATH also holds Homebrew's folders (tool-path.ts).

import { toolPath } from './tool-path.js';

export const cLocaleEnv = (env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): NodeJS.ProcessEnv => {
  const PATH = toolPath(env, platform);
  return { ...env, LC_ALL: 'C', ...(PATH !== undefined ? { PATH } : {}) };
};
