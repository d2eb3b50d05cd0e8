// The log a user can send: JSON lines (pino) in a size-rotated file in the tray's folder
// (ragnatramp-tray.log, then .1 … .4, 1 MiB each), shared by the app and the command line,
// with an optional human-readable mirror (`--verbose` on stderr). What goes in: each pass,
// each PowerShell invocation with its timing and error records, each SSH failure.

import { chmodSync, closeSync, openSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pino, multistream, type Logger } from 'pino';
import { createStream } from 'rotating-file-stream';
import { giveToFolderOwner, mkdirKeepingOwner } from '../atomic-file.js';

export const LOG_FILE = 'ragnatramp-tray.log';

export type LogFields = Record<string, unknown>;

export interface Log {
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
  /** Flushes and closes the file. */
  close(): Promise<void>;
}

export const NO_LOG: Log = { info: () => undefined, warn: () => undefined, error: () => undefined, close: async () => undefined };

/** Where the log lives: the tray's own folder. */
export function logPath(dir: string): string {
  return path.join(dir, LOG_FILE);
}

export function openLog(options: { dir: string; component: string; mirror?: (line: string) => void }): Log {
  mkdirKeepingOwner(options.dir, 0o700);
  try {
    // Made here rather than by the stream, so that it is the user's and 0600 even under sudo.
    closeSync(openSync(logPath(options.dir), 'a', 0o600));
    chmodSync(logPath(options.dir), 0o600);
    giveToFolderOwner(logPath(options.dir));
  } catch {
    // a log that cannot be written must never stop the app
  }
  // The log names VMs, addresses and paths: its owner's to read only.
  const file = createStream((time, index) => (time ? `${LOG_FILE}.${index}` : LOG_FILE), { path: options.dir, size: '1M', maxFiles: 4, mode: 0o600 });
  file.on('error', () => undefined); // a log that cannot be written must never stop the app
  const streams: Array<{ stream: NodeJS.WritableStream; level: 'info' }> = [{ stream: file, level: 'info' }];
  if (options.mirror) {
    const mirror = options.mirror;
    streams.push({ stream: new Writable({ write(chunk, _enc, done) { mirror(humanLine(String(chunk))); done(); } }), level: 'info' });
  }
  const logger: Logger = pino({ base: { component: options.component, pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime }, multistream(streams));
  return {
    info: (event, fields) => logger.info(fields ?? {}, event),
    warn: (event, fields) => logger.warn(fields ?? {}, event),
    error: (event, fields) => logger.error(fields ?? {}, event),
    close: () => new Promise<void>((resolve) => {
      logger.flush(() => file.end(() => resolve()));
    }),
  };
}

const LEVELS: Record<number, string> = { 30: 'info', 40: 'warn', 50: 'error' };

/** One JSON line as a person reads it: time, level, event, then the fields. */
function humanLine(json: string): string {
  try {
    const { time, level, msg, component: _c, pid: _p, ...fields } = JSON.parse(json) as Record<string, unknown>;
    const rest = Object.entries(fields).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ');
    return `[log] ${String(time).slice(11, 19)} ${LEVELS[level as number] ?? level} ${msg}${rest ? ` ${rest}` : ''}`;
  } catch {
    return json.trimEnd();
  }
}
