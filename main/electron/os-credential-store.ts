// The OS credential store for Proxmox VE API tokens, through Electron's safeStorage (its async
// API: the sync one is deprecated in Electron 45 and removed in 46): DPAPI on Windows, the
// Keychain on macOS, the desktop's secret store on Linux. Only the encrypted bytes reach the
// disk, in a file only the user can read. Where safeStorage protects nothing (Linux without a
// secret store: "basic_text", a hardcoded password, per Electron's docs), the token file is used
// instead, which at least the OS's permissions guard.

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { safeStorage } from 'electron';
import { FileCredentialStore, type CredentialStore } from '../app/credential-store.js';
import { mkdirKeepingOwner, replaceFile } from '../engine/atomic-file.js';
import { parseClusterUrl } from '../engine/providers/proxmox/proxmox-client.js';
import { checkToken, defaultTokenFile } from '../engine/providers/proxmox/proxmox-token.js';

class SafeStorageCredentialStore implements CredentialStore {
  constructor(private readonly home: string) {}

  private file(cluster: string): string {
    return `${defaultTokenFile(this.home, parseClusterUrl(cluster))}.enc`;
  }

  where(): string {
    return process.platform === 'win32' ? 'Windows (DPAPI)' : process.platform === 'darwin' ? 'the macOS Keychain' : "the desktop's secret store";
  }

  async save(cluster: string, token: string): Promise<void> {
    const file = this.file(cluster);
    mkdirKeepingOwner(path.dirname(file), 0o700);
    await replaceFile(file, await safeStorage.encryptStringAsync(token), 0o600);
  }

  async load(cluster: string): Promise<string | null> {
    const file = this.file(cluster);
    if (!existsSync(file)) return null;
    const { result } = await safeStorage.decryptStringAsync(await readFile(file));
    return checkToken(result);
  }
}

/** The OS's store where safeStorage protects something here, else the token file. Call after app ready. */
export async function credentialStore(home: string): Promise<CredentialStore> {
  const available = await safeStorage.isAsyncEncryptionAvailable().catch(() => false);
  const protectsNothing = process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text';
  return available && !protectsNothing ? new SafeStorageCredentialStore(home) : new FileCredentialStore(home);
}
