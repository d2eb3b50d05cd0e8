// Last line of defence for the lab tests: whatever a crashed test file left behind is removed
// when the whole run ends.

import { labDownAll } from '../lab/lab.js';

export async function teardown(): Promise<void> {
  if (process.getuid?.() === 0) await labDownAll();
}
