// A real lab for a test file: brought up before its tests, removed after them whatever happens.
// Lab tests need root; in CI (CI=true) a missing root is a failure, never a skip.

import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { LabControl, labDown, labUp, type LabOptions } from '../lab/lab.js';

export const isRoot = process.getuid?.() === 0;

if (!isRoot && process.env.CI) throw new Error('The lab tests need root and CI runs them for real: run the suite as root.');

/** A fresh temp folder the lab's guest user can walk through (mkdtemp makes it 0700). */
export function traversableTempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rt-lab-'));
  chmodSync(dir, 0o755);
  return dir;
}

/** QEMU guests boot under software emulation: allow for a slow, busy machine. */
const QEMU_BOOT_MS = 240_000;

export function useLab(guests: number, options: Pick<LabOptions, 'kind' | 'userNet' | 'staticIp' | 'session'> = {}): () => LabControl {
  let lab: LabControl | null = null;
  let dir = '';
  beforeAll(async () => {
    if (!isRoot) return;
    dir = path.join(traversableTempDir(), 'lab');
    await labUp({ guests, dir, owner: process.env.RAGNATRAMP_LAB_OWNER, ...options });
    lab = await LabControl.open(dir);
  }, options.kind === 'qemu' || options.kind === 'libvirt' ? QEMU_BOOT_MS : 60_000);
  afterAll(async () => {
    if (!dir) return;
    await labDown(dir).catch(() => undefined);
    rmSync(path.dirname(dir), { recursive: true, force: true });
  }, 60_000);
  return () => {
    if (!lab) throw new Error('the lab is not up');
    return lab;
  };
}
