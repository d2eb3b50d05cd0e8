// One guest's SSH work under a deadline: connect, run, and always close, even when the guest
// hangs mid-command or the connection only completes after the deadline. The deadline counts
// only time the event loop was free to hear the guest: while another guest's CPU work blocks
// the loop, answers already on the socket wait in the poll phase behind the timers, so a timer
// that fires late would blame a guest that had answered in time.

import { SshError, type SshConnector, type SshSession, type SshTarget } from './ssh-session.js';

/** A timer fired this much later than due means the loop was blocked, not that the guest was slow. */
const LATE_MS = 50;

export async function withSession<T>(connector: SshConnector, target: SshTarget, timeoutMs: number, work: (session: SshSession) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const arm = (ms: number) => {
    const due = performance.now() + ms;
    timer = setTimeout(() => {
      const late = performance.now() - due;
      // Give back the blocked time, after the poll phase has delivered what already arrived.
      if (late > LATE_MS) arm(late);
      else controller.abort();
    }, ms);
  };
  arm(timeoutMs);
  let session: SshSession | null = null;
  const deadline = new Promise<never>((_, reject) => {
    controller.signal.addEventListener('abort', () => reject(new SshError(`no answer from '${target.machineName}' within ${Math.round(timeoutMs / 1000)} s (is the guest hung?)`, 'timeout')), { once: true });
  });
  deadline.catch(() => undefined); // only observed through the race below
  try {
    return await Promise.race([
      (async () => {
        const connected = await connector.connect(target, controller.signal);
        if (controller.signal.aborted) {
          connected.close(); // connected after the deadline: nobody else will close it
          throw new SshError('cancelled', 'timeout');
        }
        session = connected;
        return work(connected);
      })(),
      deadline,
    ]);
  } finally {
    clearTimeout(timer);
    (session as SshSession | null)?.close();
  }
}
