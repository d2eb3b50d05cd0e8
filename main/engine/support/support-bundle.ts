// One zip a user attaches to a bug report: the log files, versions (OS, Node, Electron,
// PowerShell as last logged), the app's settings, the pinned host-key fingerprints, and each
// project's ragnatramp.yaml and state.json. A file is read only if it is a regular file (a
// symlink, FIFO or device is not followed: a state.json linked to a private key or /dev/zero
// stays out) of at most 2 MiB; a final scan leaves out any file that holds key material (a
// private key, a Proxmox VE API token). contents.json lists what the zip holds and what was
// left out, and why. The zip is written 0600 (it holds the log).

import { readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ZipFile } from 'yazl';
import { mkdirKeepingOwner, replaceFile } from '../atomic-file.js';
import { openRegularFile } from '../regular-file.js';
import { statePathFor } from '../state/state-file.js';
import { isWatchedKey, watchedName, watchedStatePath, type WatchedDefinition } from '../config/watched-project.js';
import { LOG_FILE } from '../log/log-file.js';

export interface BundleOptions {
  /** The tray's folder: log, settings, pins. */
  home: string;
  configPaths: string[];
  /** The provider-defined projects among them, by key (their state file is in the tray's folder). */
  watched?: Record<string, WatchedDefinition>;
  /** Where to write the zip; default: <home>/support/ragnatramp-tray-support-<time>.zip. */
  out?: string;
  appVersion: string;
  now?: Date;
}

export interface LeftOut {
  file: string;
  why: string;
}

export interface Bundle {
  file: string;
  /** The names inside the zip. */
  holds: string[];
  leftOut: LeftOut[];
  /** What a bundle usually holds but does not exist here (no settings saved yet, no state.json). */
  missing: LeftOut[];
  /** versions.json's PowerShell figure came from a simulated run (--simulate), not this PC. */
  holdsSimulated: boolean;
}

const SETTINGS_FILES = ['settings.json', 'web-settings.json', path.join('electron-dev', 'settings.json'), 'known_hosts.json'];
export const MAX_BUNDLED_FILE_BYTES = 2 * 1024 * 1024;

/** Key material by its shape: PEM, OpenSSH and PuTTY private keys, and a Proxmox VE token (USER@REALM!TOKENID=UUID). */
const KEY_MATERIAL: Array<[RegExp, string]> = [
  [/PRIVATE KEY/, 'a private key (a PEM or OpenSSH key block)'],
  [/b3BlbnNzaC1rZXktdjE/, 'an OpenSSH private key (openssh-key-v1)'],
  // ssh2 reads PuTTY's format (lib/protocol/keyParser.js, PPK_Private.parse), so a Windows user's key may well be one.
  [/PuTTY-User-Key-File-\d/, 'a PuTTY private key (.ppk)'],
  [/[^\s@!="']+@[^\s@!="']+![A-Za-z][A-Za-z0-9._-]*[=:\s]+[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i, 'a Proxmox VE API token'],
];

export function keyMaterialIn(content: Buffer): string | null {
  const text = content.toString('latin1');
  return KEY_MATERIAL.find(([re]) => re.test(text))?.[1] ?? null;
}

/** A regular file's bytes, or why it was not read. Never follows a link, never blocks on a FIFO. */
async function readRegularFile(file: string): Promise<{ content: Buffer } | { why: string } | null> {
  const opened = await openRegularFile(file, { followLinks: false });
  if (!opened || 'why' in opened) return opened;
  const { handle, size } = opened;
  try {
    if (size > MAX_BUNDLED_FILE_BYTES) return { why: `is ${size} bytes, over the ${MAX_BUNDLED_FILE_BYTES / 1024 / 1024} MiB cap` };
    const buffer = Buffer.alloc(MAX_BUNDLED_FILE_BYTES + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    if (bytesRead > MAX_BUNDLED_FILE_BYTES) return { why: `grew over the ${MAX_BUNDLED_FILE_BYTES / 1024 / 1024} MiB cap while read` };
    return { content: buffer.subarray(0, bytesRead) };
  } finally {
    await handle.close();
  }
}

export async function writeSupportBundle(options: BundleOptions): Promise<Bundle> {
  const now = options.now ?? new Date();
  const out = path.resolve(options.out ?? path.join(options.home, 'support', `ragnatramp-tray-support-${now.toISOString().replace(/[:.]/g, '-')}.zip`));
  const entries: Array<{ name: string; file: string; content: Buffer }> = [];
  const leftOut: LeftOut[] = [];
  const missing: LeftOut[] = [];
  /** Adds a file; true when it exists (read or left out). */
  const add = async (file: string, name: string, whyMissing?: string): Promise<boolean> => {
    const read = await readRegularFile(file);
    if (read === null) {
      if (whyMissing) missing.push({ file, why: whyMissing });
      return false;
    }
    if ('why' in read) leftOut.push({ file, why: read.why });
    else entries.push({ name, file, content: read.content });
    return true;
  };
  const logs = (await readdir(options.home).catch(() => [] as string[])).filter((f) => f === LOG_FILE || f.startsWith(`${LOG_FILE}.`)).sort();
  for (const f of logs) await add(path.join(options.home, f), `log/${f}`);
  if (logs.length === 0) missing.push({ file: path.join(options.home, LOG_FILE), why: 'does not exist: nothing has run with this tray folder yet' });
  let settings = 0;
  for (const f of SETTINGS_FILES) if ((await add(path.join(options.home, f), `settings/${f.replace(/[\\/]/g, '-')}`)) && f !== 'known_hosts.json') settings++;
  if (settings === 0) missing.push({ file: path.join(options.home, SETTINGS_FILES[0]!), why: 'does not exist: the app has saved no settings in this tray folder' });
  for (const [i, configPath] of options.configPaths.entries()) {
    const definition = options.watched?.[configPath];
    if (isWatchedKey(configPath)) {
      // No ragnatramp.yaml: the settings hold its definition; its state file is the tray's own.
      const folder = `projects/${i + 1}-${definition ? watchedName(definition) : 'project'}`;
      if (definition) await add(watchedStatePath(options.home, definition), `${folder}/state.json`, 'does not exist: no pass has recorded an address for it yet');
      continue;
    }
    const folder = `projects/${i + 1}-${path.basename(path.dirname(configPath)).replace(/[^A-Za-z0-9._-]/g, '_') || 'project'}`;
    await add(configPath, `${folder}/ragnatramp.yaml`, 'does not exist');
    await add(statePathFor(configPath), `${folder}/state.json`, "does not exist: 'ragnatramp up' has not created this project's VMs yet");
  }
  const versions = {
    app: options.appVersion,
    os: `${os.type()} ${os.release()} (${os.arch()})`,
    node: process.versions.node,
    electron: process.versions.electron ?? null,
    powershell: lastLoggedPowerShell(entries.filter((e) => e.name === `log/${LOG_FILE}`).map((e) => e.content.toString('utf8'))[0] ?? ''),
    projects: options.configPaths,
    writtenAt: now.toISOString(),
  };
  entries.push({ name: 'versions.json', file: 'versions.json', content: Buffer.from(`${JSON.stringify(versions, null, 2)}\n`) });
  // The final scan: whatever holds key material stays out, whichever way it got in.
  const kept = entries.filter((e) => {
    const found = keyMaterialIn(e.content);
    if (found) leftOut.push({ file: e.file, why: `holds ${found}; it was left out` });
    return !found;
  });
  const holds = [...kept.map((e) => e.name), 'contents.json'];
  const contents = { holds, leftOut, missing };
  const zip = new ZipFile();
  for (const e of kept) zip.addBuffer(e.content, e.name, { mtime: now });
  zip.addBuffer(Buffer.from(`${JSON.stringify(contents, null, 2)}\n`), 'contents.json', { mtime: now });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  mkdirKeepingOwner(path.dirname(out), 0o700);
  await replaceFile(out, Buffer.concat(chunks), 0o600);
  return { file: out, holds, leftOut, missing, holdsSimulated: !!versions.powershell?.simulated };
}

/** The PowerShell version and language mode the last logged discovery answer reported; simulated when a scenario gave them. */
function lastLoggedPowerShell(text: string): { version: string | null; languageMode: string | null; simulated?: true } | null {
  for (const line of text.trimEnd().split('\n').reverse()) {
    if (!line.includes('"host"')) continue;
    try {
      const entry = JSON.parse(line) as { host?: { psVersion?: string; languageMode?: string }; simulated?: boolean };
      const host = entry.host;
      if (host?.psVersion) return { version: host.psVersion, languageMode: host.languageMode ?? null, ...(entry.simulated ? { simulated: true as const } : {}) };
    } catch {
      // a line cut by rotation: look further back
    }
  }
  return null;
}
