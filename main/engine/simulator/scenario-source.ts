// Where the simulator gets its scenario: a file re-read at every use (so a test or a demo can
// renumber a guest by editing it while the tray watches), or a fixed value for unit tests.

import { readFile } from 'node:fs/promises';
import { InputError } from '../errors.js';
import { parseScenario, type Scenario } from './scenario.js';

export interface ScenarioSource {
  current(): Promise<Scenario>;
}

export function fixedScenario(scenario: Scenario): ScenarioSource {
  return { current: async () => scenario };
}

export class ScenarioFile implements ScenarioSource {
  // Compared by content, not mtime: two edits within the clock's resolution must both count.
  private cached: { text: string; scenario: Scenario } | null = null;

  constructor(readonly file: string) {}

  async current(): Promise<Scenario> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      throw new InputError(this.file, [{ field: null, problem: `cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})` }], 'Check the path given to --simulate.');
    }
    if (this.cached?.text !== text) this.cached = { text, scenario: parseScenario(this.file, text) };
    return this.cached.scenario;
  }
}
