// A temporary copy of examples/demo and a tray folder of its own, for the demo and its command
// line: trying the app or the CLI changes nothing in the repository or in the user's settings.

import { cpSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEMO_EXAMPLE = fileURLToPath(new URL('../../examples/demo/', import.meta.url));

export interface DemoCopy {
  /** The copied project's folder. */
  project: string;
  config: string;
  scenario: string;
  /** The tray folder (log, pinned keys, settings) for this copy. */
  home: string;
}

export function copyDemo(): DemoCopy {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ragnatramp-tray-demo-'));
  const project = path.join(dir, 'demo');
  cpSync(DEMO_EXAMPLE, project, { recursive: true });
  return { project, config: path.join(project, 'ragnatramp.yaml'), scenario: path.join(project, 'scenario.yaml'), home: path.join(dir, 'home') };
}
