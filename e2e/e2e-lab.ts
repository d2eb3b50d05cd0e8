// A real lab for one e2e file, as dev/test-support/lab-fixture.ts is for the Vitest files (whose
// hooks are Vitest's): brought up before the file's tests and removed after them; the browser
// host a test starts is stopped after that test. The lab needs root; in CI a missing root is a
// failure, never a skip.
import { chmodSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from '@playwright/test';
import { LabControl, labDown, labUp, type LabOptions } from '../dev/lab/lab.ts';
import { startHost, type RunningHost } from './web-host-fixture.ts';

const isRoot = process.getuid?.() === 0;
if (!isRoot && process.env.CI) throw new Error('The lab e2e tests need root, and CI runs them for real.');

/** Call inside test.describe. */
export function useE2eLab(options: Omit<LabOptions, 'dir'>) {
  let lab: LabControl | null = null;
  let host: RunningHost | null = null;
  test.skip(!isRoot, 'the lab needs root');
  test.beforeAll(async () => {
    if (options.kind === 'qemu' || options.kind === 'libvirt') test.setTimeout(240_000); // VMs boot under software emulation
    const parent = mkdtempSync(path.join(os.tmpdir(), 'rt-e2e-lab-'));
    chmodSync(parent, 0o755);
    await labUp({ ...options, dir: path.join(parent, 'lab') });
    lab = await LabControl.open(path.join(parent, 'lab'));
  });
  test.afterEach(async () => {
    await host?.stop();
    host = null;
  });
  test.afterAll(async () => {
    if (lab) await labDown(lab.record.dir);
  });
  return {
    lab(): LabControl {
      if (!lab) throw new Error('the lab is not up');
      return lab;
    },
    /** The browser host on the lab's project (see startHost), stopped after the test. */
    async startHost(args: string[], netns?: string): Promise<RunningHost> {
      host = await startHost(args, netns);
      return host;
    },
  };
}
