// The Proxmox VE API token: never a password. It lives in a file only its owner can read, under
// the tray's folder (one per cluster), and the tray refuses a file others could read, as OpenSSH
// refuses a private key. (Where Electron offers the OS credential store, see the README.)

import { stat, readFile } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../../errors.js';
import type { ProxmoxEndpoint } from './proxmox-client.js';

/** `USER@REALM!TOKENID=SECRET`, the secret a UUID: the form Proxmox VE shows when it creates a token. */
export const TOKEN_PATTERN = /^[^\s@!=]+@[^\s@!=]+![A-Za-z][A-Za-z0-9._-]*=[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export function defaultTokenFile(home: string, endpoint: ProxmoxEndpoint): string {
  return path.join(home, 'proxmox', `${endpoint.host.replace(/[^A-Za-z0-9.-]/g, '_')}_${endpoint.port}.token`);
}

export async function readTokenFile(file: string, platform: NodeJS.Platform = process.platform): Promise<string> {
  const create = `Create an API token in the cluster (Datacenter → Permissions → API Tokens; it needs VM.Audit and VM.Monitor), then: install -m 600 /dev/stdin ${file}  and paste USER@REALM!TOKENID=SECRET.`;
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
  if (!TOKEN_PATTERN.test(t)) throw new Error('That is not an API token: it looks like USER@REALM!TOKENID=SECRET, the secret a UUID (a password is never accepted). Create one under Datacenter → Permissions → API Tokens.');
  return t;
}
