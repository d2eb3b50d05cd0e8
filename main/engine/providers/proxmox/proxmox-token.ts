// The Proxmox VE API token: never a password. It lives in a file only its owner can read, under
// the tray's folder (one per cluster), and the tray refuses a file others could read, as OpenSSH
// refuses a private key. (Where Electron offers the OS credential store, see the README.)

import { stat, readFile } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../../errors.js';
import type { ProxmoxEndpoint } from './proxmox-client.js';
import { PRIVILEGES_HELP } from './proxmox-privileges.js';

/**
 * `USER@REALM!TOKENID=SECRET`, the secret a UUID: the form Proxmox VE shows when it creates a
 * token. As PVE parses a token id (pve-access-control src/PVE/AccessControl.pm:280-284): the user
 * is `[^\s:/]+` and may itself hold `@` (an LDAP or OpenID user's mail address), so the realm is
 * what follows the last `@`; realm and token name are `[A-Za-z][A-Za-z0-9.\-_]+`
 * (src/PVE/Auth/Plugin.pm:34-35).
 */
export const TOKEN_PATTERN = /^[^\s:/]+@[A-Za-z][A-Za-z0-9._-]+![A-Za-z][A-Za-z0-9._-]+=[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/**
 * One file per cluster, named so that two clusters never share one: letters, digits, `.` and `-`
 * stay as they are and every other byte is %XX (so `[fd00::5]:8006` and a host named `fd00__5`
 * differ), then `_` and the port.
 */
export function defaultTokenFile(home: string, endpoint: ProxmoxEndpoint): string {
  const host = [...Buffer.from(endpoint.host.toLowerCase(), 'utf8')].map((b) => (/[a-z0-9.-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
  return path.join(home, 'proxmox', `${host}_${endpoint.port}.token`);
}

export async function readTokenFile(file: string, platform: NodeJS.Platform = process.platform): Promise<string> {
  const create = `Create an API token in the cluster (Datacenter → Permissions → API Tokens; it needs ${PRIVILEGES_HELP}), then: install -m 600 /dev/stdin ${file}  and paste USER@REALM!TOKENID=SECRET.`;
  let info;
  try {
    info = await stat(file);
  } catch (err) {
    throw new InputError(file, [{ field: null, problem: `cannot be read (${(err as NodeJS.ErrnoException).code})` }], create);
  }
  // Windows keeps no POSIX mode bits worth checking; there the folder's ACL is the guard.
  if (platform !== 'win32' && (info.mode & 0o077) !== 0) {
    throw new InputError(file, [{ field: null, problem: `can be read by others (mode ${(info.mode & 0o777).toString(8)})` }], `Run: chmod 600 ${file}  (the token was not used).`);
  }
  const token = (await readFile(file, 'utf8')).trim();
  if (!TOKEN_PATTERN.test(token)) {
    throw new InputError(file, [{ field: null, problem: 'does not hold an API token of the form USER@REALM!TOKENID=SECRET (a password is never accepted)' }], create);
  }
  return token;
}

/** The same check for a token typed into the window: the message says what a token looks like. */
export function checkToken(token: string): string {
  const t = token.trim();
  if (!TOKEN_PATTERN.test(t)) throw new Error(`That is not an API token: it looks like USER@REALM!TOKENID=SECRET, the secret a UUID (a password is never accepted). Create one under Datacenter → Permissions → API Tokens and give it ${PRIVILEGES_HELP}.`);
  return t;
}
