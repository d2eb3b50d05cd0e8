// The PowerShell runner with its invocations logged: `--verbose` prints each script and answer,
// and the log file keeps each invocation's timing, host facts and error records.

import { NO_LOG, type Log, type LogFields } from '../../log/log-file.js';
import { DISCOVERY_MARKER } from './discovery-script.js';
import { parseDiscoveryOutput } from './parse-output.js';
import type { PowerShellRunner } from './powershell-runner.js';

/**
 * `--verbose`: every invocation and its answer, each starting with a `[powershell]` line; and
 * the log file: each invocation's timing, and the error records its answer carried.
 */
export function loggingRunner(inner: PowerShellRunner, log: (line: string) => void, logger: Log = NO_LOG, simulated = false): PowerShellRunner {
  let n = 0;
  return {
    async run(script) {
      const id = ++n;
      log(`[powershell] invocation ${id} (${script.length} chars):\n${script}`);
      const started = performance.now();
      try {
        const out = await inner.run(script);
        const ms = Math.round(performance.now() - started);
        log(`[powershell] invocation ${id} answered in ${ms} ms (${out.length} chars):\n${out}`);
        // A simulated answer's host facts are the scenario's, not this PC's: the support bundle says so.
        logger.info('powershell invocation', { invocation: id, ms, chars: out.length, ...(script.includes(DISCOVERY_MARKER) ? answerFacts(out) : {}), ...(simulated ? { simulated: true } : {}) });
        return out;
      } catch (err) {
        const ms = Math.round(performance.now() - started);
        log(`[powershell] invocation ${id} failed after ${ms} ms: ${(err as Error).message}`);
        logger.error('powershell invocation failed', { invocation: id, ms, error: (err as Error).message });
        throw err;
      }
    },
    dispose: () => inner.dispose(),
  };
}

/** What of an answer belongs in the log: the host facts and every error record. */
function answerFacts(out: string): LogFields {
  try {
    const snapshot = parseDiscoveryOutput(out);
    const errors = [...snapshot.errors, ...snapshot.vms.flatMap((v) => (v.error ? [v.error] : []))];
    return { vms: snapshot.vms.length, host: snapshot.host, ...(errors.length > 0 ? { errorRecords: errors } : {}) };
  } catch {
    return { unparsable: true };
  }
}
