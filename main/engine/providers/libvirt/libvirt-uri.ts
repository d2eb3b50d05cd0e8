// A libvirt URI is a command line: libvirt's client runs programs named in it (`command=` for the
// ssh and ext transports, `netcat=` and `proxy=` on the remote host, `socket=` pasted unquoted
// into the remote shell). The tray takes only what it supports, checked where every URI enters
// (the CLI, the settings file, setProjectProvider): transports qemu, qemu+ssh, qemu+unix,
// qemu+tls and the test driver, a plain authority and path, and parameters that name no program.
// Also: whether a URI names this host, and which host it names. Facts from libvirt 9.0.0's source
// (Debian bookworm's, the one the lab runs).

/** driver[+transport] the tray supports; libvirt lowercases the transport (remote_sockets.c:88-95). */
const SCHEMES = new Set(['qemu', 'qemu+ssh', 'qemu+unix', 'qemu+tls', 'test']);

/**
 * Parameters that name no program, and the schemes they apply to. Everything else is refused:
 * the remote driver runs `command` as the ssh (or ext) binary (remote_driver.c:800,1045-1051;
 * docs/uri.rst:205-209, 319-329), puts `netcat` and `socket` into the `sh -c` it runs on the far
 * host, `socket` unescaped (rpc/virnetclient.c:422-443), and `proxy` picks which program that is
 * (virnetclient.c:427-467); `keyfile` becomes a script once `command` is a shell
 * (virnetsocket.c:866-875: `-i keyfile` goes to the command); `no_verify` turns off the host key
 * check (virnetsocket.c:871-872; docs/uri.rst:216-221); `name` opens another URI at the far end,
 * and any parameter libvirt does not know is passed there too (remote_driver.c:799-846).
 */
const PARAMS: Record<string, { schemes: string[]; value: RegExp; what: string }> = {
  keyfile: { schemes: ['qemu+ssh'], value: /^[^\0-\x1f]+$/, what: 'a key file' },
  no_tty: { schemes: ['qemu+ssh'], value: /^[01]$/, what: '0 or 1' },
  mode: { schemes: ['qemu', 'qemu+ssh', 'qemu+unix', 'qemu+tls'], value: /^(auto|legacy|direct)$/, what: 'auto, legacy or direct' },
  socket: { schemes: ['qemu', 'qemu+unix'], value: /^\/[^\0-\x1f]*$/, what: 'an absolute socket path' },
  pkipath: { schemes: ['qemu', 'qemu+tls'], value: /^[^\0-\x1f]+$/, what: 'a folder' },
  tls_priority: { schemes: ['qemu', 'qemu+tls'], value: /^[A-Za-z0-9+:%!._-]+$/, what: 'a GnuTLS priority string' },
};

/** Parameters that run something, and what to do instead. */
const WHY: Record<string, string> = {
  command: 'names the program libvirt runs to connect (it would run as you at every pass)',
  netcat: 'names a program libvirt runs on the remote host',
  proxy: 'chooses the program libvirt runs on the remote host',
  socket: 'is put unquoted into the shell command libvirt runs on the remote host',
  no_verify: "turns off ssh's host key check",
  name: 'makes the remote host open another URI, which may run programs there',
};

const INSTEAD = 'Put such settings in ~/.ssh/config (Host, User, Port, IdentityFile) and use qemu+ssh://host/system.';

const AUTHORITY = /^(?:([A-Za-z0-9_][A-Za-z0-9._-]*)@)?([A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])?(?::(\d{1,5}))?$/;

/** The URI when the tray supports it; else an Error saying what was refused and why. */
export function checkLibvirtUri(v: unknown, where = '--libvirt'): string {
  const example = 'such as qemu:///system or qemu+ssh://user@host/system';
  if (typeof v !== 'string') throw new Error(`${where} needs a libvirt URI ${example}`);
  const shown = JSON.stringify(v);
  const m = /^([A-Za-z][A-Za-z0-9]*(?:\+[A-Za-z0-9]+)?):\/\/([^/?#]*)(\/[A-Za-z0-9._/-]*)?(?:\?([^#]*))?$/.exec(v);
  if (!m) throw new Error(`${where} needs a libvirt URI ${example} (got ${shown})`);
  const scheme = m[1]!.toLowerCase();
  if (!SCHEMES.has(scheme)) throw new Error(`${where}: the tray does not use libvirt's '${scheme}' connections (got ${shown}); it supports qemu, qemu+ssh, qemu+unix, qemu+tls and test${scheme.endsWith('+ext') ? ": 'ext' runs the program the URI names" : ''}. ${INSTEAD}`);
  const auth = AUTHORITY.exec(m[2]!);
  if (!auth) throw new Error(`${where}: ${shown} has an unusual user or host part; write it as user@host:port (letters, digits, '.', '-', '_').`);
  if (scheme === 'qemu+ssh' && !auth[2]) throw new Error(`${where}: ${shown} names no host to reach over ssh (qemu+ssh://user@host/system).`);
  // libvirt splits at '&' or ';' and unescapes names and values (util/viruri.c:66-110), and
  // matches names ignoring case (remote_driver.c:697-699): read them the same way.
  for (const part of (m[4] ?? '').split(/[&;]/).filter(Boolean)) {
    const eq = part.indexOf('=');
    let name: string;
    let value: string;
    try {
      name = decodeURIComponent(eq < 0 ? part : part.slice(0, eq)).toLowerCase();
      value = eq < 0 ? '' : decodeURIComponent(part.slice(eq + 1));
    } catch {
      throw new Error(`${where}: ${shown} has a badly escaped parameter (${JSON.stringify(part)}).`);
    }
    const allowed = PARAMS[name];
    if (allowed?.schemes.includes(scheme)) {
      if (!allowed.value.test(value)) throw new Error(`${where}: in ${shown}, '${name}' needs ${allowed.what}.`);
      continue;
    }
    const why = (name === 'socket' && scheme !== 'qemu+ssh' ? undefined : WHY[name]) ?? (allowed ? `does not apply to ${scheme} connections` : 'is not one the tray supports (libvirt passes unknown parameters on to the remote host)');
    throw new Error(`${where}: the tray refuses the URI parameter '${name}' in ${shown}: it ${why}. ${INSTEAD}`);
  }
  return v;
}

/** Whether the URI names this host (no host part): then its lease files and neighbour table are ours to read. */
export function isLocalUri(uri: string): boolean {
  try {
    return new URL(uri).host === '';
  } catch {
    return false;
  }
}

/** The host a remote URI names, without an IPv6 address's brackets. */
export const uriHost = (uri: string): string => new URL(uri).hostname.replace(/^\[(.*)\]$/, '$1');
