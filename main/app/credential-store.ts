// Where the app keeps a Proxmox VE API token: the OS credential store where the host offers one
// (Electron's safeStorage: main/electron/os-credential-store.ts), else the file only its owner can
// read, <tray folder>/proxmox/<host>_<port>.token, which the CLI reads too.

import { existsSync } from 'node:fs';
import path from 'node:path';
import { mkdirKeepingOwner, replaceFile } from '../engine/atomic-file.js';
import { parseClusterUrl } from '../engine/providers/proxmox/proxmox-client.js';
import { defaultTokenFile, readTokenFile } from '../engine/providers/proxmox/proxmox-token.js';

export interface CredentialStore {
  /** Where a token is kept, in words for the window: "the system's credential store", a file. */
  where(cluster: string): string;
  save(cluster: string, token: string): Promise<void>;
  /** The kept token; null when none is kept. */
  load(cluster: string): Promise<string | null>;
}

export class FileCredentialStore implements CredentialStore {
  constructor(private readonly home: string) {}

  private file(cluster: string): string {
    return defaultTokenFile(this.home, parseClusterUrl(cluster));
  }

  where(cluster: string): string {
    return this.file(cluster);
  }

  async save(cluster: string, token: string): Promise<void> {
    const file = this.file(cluster);
    mkdirKeepingOwner(path.dirname(file), 0o700);
    await replaceFile(file, `${token}\n`, 0o600);
  }

  async load(cluster: string): Promise<string | null> {
    const file = this.file(cluster);
    return existsSync(file) ? readTokenFile(file) : null;
  }
}
