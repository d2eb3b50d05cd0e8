// The environment of every child process whose output the tray parses (virsh, ip, arp): the
// user's own with LC_ALL=C, so that it prints the untranslated words the parsers read. virsh
// translates its state words (`_()` in virshDomainStateToString, libvirt 9.0.0
// tools/virsh-domain-monitor.c:137-141: "laufend" for "running" with libvirt-l10n under de_DE),
// and gettext ignores LANGUAGE when the locale is C, so LC_ALL alone is enough.

export const cLocaleEnv = (env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv => ({ ...env, LC_ALL: 'C' });
