// One zip a user attaches to a bug report: the log files, versions (OS, Node, Electron,
// PowerShell as last logged), the app's settings, the pinned host-key fingerprints, and each
// project's ragnatramp.yaml and state.json. Private key paths stay as written; no key file is
// ever read, so no key material can end up inside.

import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ZipFile } from 'yazl';
import { statePathFor } from '../state/state-file.js';
import { LOG_FILE } from '../log/log-file.js';

export interface BundleOptions {
  /** The tray's folder: log, settings, pins. */
  home: string;
  configPaths: string[];
  /** Where to write the zip; default: <home>/support/ragnatramp-tray-support-<time>.zip. */
  out?: string;
  appVersion: string;
  now?: Date;
}

const SETTINGS_FILES = ['settings.json', 'web-settings.json', path.join('electron-dev', 'settings.json'), 'known_hosts.json'];

export async function writeSupportBundle(options: BundleOptions): Promise<string> {
  const now = options.now ?? new Date();
  const out = path.resolve(options.out ?? path.join(options.home, 'support', `ragnatramp-tray-support-${now.toISOString().replace(/[:.]/g, '-')}.zip`));
  await mkdir(path.dirname(out), { recursive: true });
  const zip = new ZipFile();
  const add = async (file: string, name: string) => {
    if (existsSync(file)) zip.addBuffer(await readFile(file), name, { mtime: now });
  };
  const logs = (await readdir(options.home).catch(() => [] as string[])).filter((f) => f === LOG_FILE || f.startsWith(`${LOG_FILE}.`)).sort();
  for (const f of logs) await add(path.join(options.home, f), `log/${f}`);
  for (const f of SETTINGS_FILES) await add(path.join(options.home, f), `settings/${f.replace(/[\\/]/g, '-')}`);
  for (const [i, configPath] of options.configPaths.entries()) {
    const folder = `projects/${i + 1}-${path.basename(path.dirname(configPath)).replace(/[^A-Za-z0-9._-]/g, '_') || 'project'}`;
    await add(configPath, `${folder}/ragnatramp.yaml`);
    await add(statePathFor(configPath), `${folder}/state.json`);
  }
  const versions = {
    app: options.appVersion,
    os: `${os.type()} ${os.release()} (${os.arch()})`,
    node: process.versions.node,
    electron: process.versions.electron ?? null,
    powershell: await lastLoggedPowerShell(path.join(options.home, LOG_FILE)),
    projects: options.configPaths,
    writtenAt: now.toISOString(),
  };
  zip.addBuffer(Buffer.from(`${JSON.stringify(versions, null, 2)}\n`), 'versions.json', { mtime: now });
  zip.end();
  await new Promise<void>((resolve, reject) => {
    const stream = createWriteStream(out);
    stream.on('error', reject);
    stream.on('close', resolve);
    zip.outputStream.pipe(stream);
  });
  return out;
}

/** The PowerShell version and language mode the last logged discovery answer reported. */
async function lastLoggedPowerShell(logFile: string): Promise<{ version: string | null; languageMode: string | null } | null> {
  const text = await readFile(logFile, 'utf8').catch(() => '');
  for (const line of text.trimEnd().split('\n').reverse()) {
    if (!line.includes('"host"')) continue;
    try {
      const host = (JSON.parse(line) as { host?: { psVersion?: string; languageMode?: string } }).host;
      if (host?.psVersion) return { version: host.psVersion, languageMode: host.languageMode ?? null };
    } catch {
      // a line cut by rotation: look further back
    }
  }
  return null;
}
