// The address history's file in the tray's own folder (`address-history.json`), kept across
// restarts: read only as a small regular file and checked against its schema; written
// atomically (a temp file renamed over it) and only when it changed. A file that does not read
// as one is never overwritten blind: the writer sets it aside, the reader says so.

import { lstat, rename } from 'node:fs/promises';
import path from 'node:path';
import { mkdirKeepingOwner, replaceFile } from '../atomic-file.js';
import { schemaProblems } from '../config/schema-problems.js';
import { readSmallFile } from '../discovery/read-tail.js';
import { HISTORY_LENGTH, type AddressHistory } from './address-history.js';

export const HISTORY_FILE = 'address-history.json';

/** Far above what HISTORY_LENGTH stretches of a few hundred VMs take. */
const MAX_BYTES = 4 * 1024 * 1024;

const SCHEMA = {
  type: 'object',
  required: ['version', 'projects'],
  properties: {
    version: { const: 1 },
    projects: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        additionalProperties: {
          type: 'array',
          maxItems: HISTORY_LENGTH,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['ipv4', 'seenAt', 'endedAt'],
            properties: { ipv4: { type: 'string', maxLength: 15 }, seenAt: { type: 'string', maxLength: 40 }, endedAt: { anyOf: [{ type: 'string', maxLength: 40 }, { type: 'null' }] } },
          },
        },
      },
    },
  },
} as const;

export const historyPath = (home: string): string => path.join(home, HISTORY_FILE);

/** The history, or none with why the file could not be used (null problem: it does not exist yet). */
export async function readHistory(home: string): Promise<{ history: AddressHistory; problem: string | null }> {
  const file = historyPath(home);
  const read = await readSmallFile(file, MAX_BYTES);
  if (!read) {
    // A regular file that could not be read (bigger than any history, or not ours to read) is
    // not an absent one: said, so that the writer sets it aside instead of replacing it.
    const there = await lstat(file).then((s) => s.isFile(), () => false);
    return { history: {}, problem: there ? `${file} cannot be read as a history (bigger than ${MAX_BYTES / 1024 / 1024} MiB, or not readable by this user)` : null };
  }
  let data: unknown;
  try {
    data = JSON.parse(read.text);
  } catch (err) {
    return { history: {}, problem: `${file} is not JSON (${(err as Error).message})` };
  }
  const problems = schemaProblems(SCHEMA, data);
  if (problems.length > 0) return { history: {}, problem: `${file} is not an address history: ${problems.map((p) => `${p.field ?? 'the file'} ${p.problem}`).join('; ')}` };
  return { history: (data as { projects: AddressHistory }).projects, problem: null };
}

/** The history for a writer: a file that is not one is renamed aside (kept for a bug report), with a line saying where. */
export async function loadHistoryForWriting(home: string, now: Date): Promise<{ history: AddressHistory; notice: string | null }> {
  const { history, problem } = await readHistory(home);
  if (!problem) return { history, notice: null };
  const aside = `${historyPath(home)}.unreadable-${now.toISOString().replace(/[:.]/g, '-')}`;
  const moved = await rename(historyPath(home), aside).then(
    () => true,
    () => false,
  );
  return { history: {}, notice: `The address history could not be read (${problem}); it starts afresh.${moved ? ` The old file was kept as ${aside}.` : ''}` };
}

export async function writeHistory(home: string, history: AddressHistory): Promise<void> {
  mkdirKeepingOwner(home, 0o700);
  // It names VMs and their addresses, as the log does: its owner's to read only.
  await replaceFile(historyPath(home), `${JSON.stringify({ version: 1, projects: history }, null, 1)}\n`, 0o600);
}
