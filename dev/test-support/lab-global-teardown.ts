// Last line of defence for the lab tests: whatever a crashed test file of this run left behind
// is removed when the whole run ends. Labs the run did not make (a developer's) are left alone.

import { labDownAll } from '../lab/lab.js';

export const LAB_OWNER_VARIABLE = 'RAGNATRAMP_LAB_OWNER';

export function setup(): void {
  process.env[LAB_OWNER_VARIABLE] = `vitest-${process.pid}`;
}

export async function teardown(): Promise<void> {
  if (process.getuid?.() === 0) await labDownAll(process.env[LAB_OWNER_VARIABLE]);
}
