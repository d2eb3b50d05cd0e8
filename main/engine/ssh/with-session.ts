// One guest's SSH work under a deadline: connect, run, and always close, even when the guest
// hangs mid-command or the connection only completes after the deadline.

import { SshError, type SshConnector, type SshSession, type SshTarget } from './ssh-session.js';

export async function withSession<T>(connector: SshConnector, target: SshTarget, timeoutMs: number, work: (session: SshSession) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
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
