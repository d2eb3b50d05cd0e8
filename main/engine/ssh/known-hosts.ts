// Trust-on-first-use pinning of guest host keys, per VM (not per IP: Default Switch IPs change
// at every host reboot, a VM's id does not). A changed key refuses the connection until the
// user accepts the new key explicitly.

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { expandHome } from '../config/user-path.js';
import path from 'node:path';
import { InputError } from '../errors.js';
import { mkdirKeepingOwner, replaceFile } from '../atomic-file.js';
import { opensshHostKeyAlias } from './openssh-syntax.js';

export interface PinnedKey {
  keyType: string;
  fingerprint: string;
  /** The public key itself (base64 blob), so OpenSSH can be given the same pin; older pins lack it until the guest is next seen. */
  key?: string;
  firstSeen: string;
  /** The address it was first seen at, for the user's information only. */
  host: string;
}

export type HostKeyVerdict =
  | { kind: 'trusted' }
  | { kind: 'first-use'; fingerprint: string }
  | { kind: 'changed'; pinned: PinnedKey; offered: { keyType: string; fingerprint: string } };

export interface HostKeyStore {
  verify(alias: string, host: string, keyBlob: Buffer): Promise<HostKeyVerdict>;
  forget(alias: string): Promise<boolean>;
  /** The pin kept under an alias, if any (reading pins nothing). */
  pinned(alias: string): Promise<PinnedKey | undefined>;
}

/** OpenSSH's `SHA256:…` fingerprint of a public key blob. */
export function fingerprintOf(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type is the first length-prefixed string of the blob (RFC 4253 §6.6). */
export function keyTypeOf(keyBlob: Buffer): string {
  if (keyBlob.length < 4) return 'unknown';
  const len = keyBlob.readUInt32BE(0);
  return len > 0 && len < 64 && keyBlob.length >= 4 + len ? keyBlob.subarray(4, 4 + len).toString('latin1') : 'unknown';
}

/**
 * The tray's folder (settings, pins, logs, the SSH config), shared by the app and the CLI. On a
 * Mac it is where Mac apps keep theirs, `~/Library/Application Support/Ragnatramp Tray`, whatever
 * the shell sets: an XDG_CONFIG_HOME in a terminal's profile never reaches the app started from
 * Finder or at login, so the two would otherwise keep different pins and settings.
 */
export function defaultTrayHome(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home: string = os.homedir()): string {
  // Absolute always: Electron's app.setPath throws on a relative path, and a relative folder
  // would follow whatever the working directory happens to be.
  if (env.RAGNATRAMP_TRAY_HOME) return path.resolve(expandHome(env.RAGNATRAMP_TRAY_HOME, home));
  if (platform === 'win32' && env.APPDATA) return path.join(env.APPDATA, 'ragnatramp-tray');
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Ragnatramp Tray');
  return path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), 'ragnatramp-tray');
}

/** Pins kept in one JSON file; writes are atomic and serialized within the process. */
export class FileHostKeyStore implements HostKeyStore {
  // Per file, not per store: the worker's provider groups run side by side, each with its own
  // store of the same file, and two read-modify-writes at once would lose a pin.
  private static readonly chains = new Map<string, Promise<unknown>>();

  constructor(
    readonly file: string,
    private readonly now: () => string = () => new Date().toISOString(),
  ) {}

  verify(alias: string, host: string, keyBlob: Buffer): Promise<HostKeyVerdict> {
    return this.serialized(async () => {
      const pins = await this.load();
      const offered = { keyType: keyTypeOf(keyBlob), fingerprint: fingerprintOf(keyBlob) };
      const pinned = pins[alias];
      if (pinned && pinned.fingerprint !== offered.fingerprint) return { kind: 'changed', pinned, offered };
      if (pinned) {
        if (!pinned.key) {
          pins[alias] = { ...pinned, key: keyBlob.toString('base64') };
          await this.save(pins);
        }
        return { kind: 'trusted' };
      }
      pins[alias] = { ...offered, key: keyBlob.toString('base64'), firstSeen: this.now(), host };
      await this.save(pins);
      return { kind: 'first-use', fingerprint: offered.fingerprint };
    });
  }

  /** The pin kept under an alias, if any. */
  pinned(alias: string): Promise<PinnedKey | undefined> {
    return this.serialized(async () => (await this.load())[alias]);
  }

  /** Replaces a pin with a key the caller has vouched for otherwise (a TLS leaf the pinned CA signs). */
  repin(alias: string, host: string, keyBlob: Buffer): Promise<void> {
    return this.serialized(async () => {
      const pins = await this.load();
      pins[alias] = { keyType: keyTypeOf(keyBlob), fingerprint: fingerprintOf(keyBlob), key: keyBlob.toString('base64'), firstSeen: this.now(), host };
      await this.save(pins);
    });
  }

  /** The pins as OpenSSH known_hosts lines, named by their alias as OpenSSH is given it (HostKeyAlias). */
  knownHostsLines(): Promise<string[]> {
    // The key type comes from the guest: only a plain word and base64 may reach the line.
    return this.serialized(async () => Object.entries(await this.load()).flatMap(([alias, p]) => (p.key && /^[A-Za-z0-9@._-]+$/.test(p.keyType) && /^[A-Za-z0-9+/]+=*$/.test(p.key) ? [`${opensshHostKeyAlias(alias)} ${p.keyType} ${p.key}`] : [])));
  }

  forget(alias: string): Promise<boolean> {
    return this.serialized(async () => {
      const pins = await this.load();
      if (!pins[alias]) return false;
      delete pins[alias];
      await this.save(pins);
      return true;
    });
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const key = path.resolve(this.file);
    const next = (FileHostKeyStore.chains.get(key) ?? Promise.resolve()).then(work);
    const settled = next.catch(() => undefined);
    FileHostKeyStore.chains.set(key, settled);
    void settled.then(() => FileHostKeyStore.chains.get(key) === settled && FileHostKeyStore.chains.delete(key));
    return next;
  }

  private async load(): Promise<Record<string, PinnedKey>> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw err;
    }
    try {
      const data = JSON.parse(text) as { version?: number; keys?: Record<string, PinnedKey> };
      if (typeof data.keys !== 'object' || data.keys === null) throw new Error('no "keys" object');
      return data.keys;
    } catch (err) {
      // Never silently start trusting everything again: a broken pin file stops SSH work.
      throw new InputError(this.file, [{ field: null, problem: `is not a valid host-key file (${(err as Error).message})` }], 'Fix or delete it; deleting it makes the tray trust each guest key again on first use.');
    }
  }

  private async save(pins: Record<string, PinnedKey>): Promise<void> {
    mkdirKeepingOwner(path.dirname(this.file), 0o700);
    const sorted = Object.fromEntries(Object.entries(pins).sort(([a], [b]) => (a < b ? -1 : 1)));
    await replaceFile(this.file, `${JSON.stringify({ version: 1, keys: sorted }, null, 2)}\n`, 0o600);
  }
}

export function hostKeyChangedMessage(machineName: string, verdict: Extract<HostKeyVerdict, { kind: 'changed' }>): string {
  return `the SSH host key of '${machineName}' changed (pinned ${verdict.pinned.keyType} ${verdict.pinned.fingerprint} on ${verdict.pinned.firstSeen.slice(0, 10)}, now offered ${verdict.offered.keyType} ${verdict.offered.fingerprint}). Either the VM was rebuilt or someone is intercepting the connection; its hosts were not synced. If you rebuilt it, accept the new key with --accept-host-key ${machineName}.`;
}
