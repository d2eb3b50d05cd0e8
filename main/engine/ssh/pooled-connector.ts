// Keeps SSH connections open between passes so that a long-running engine re-syncs over warm
// connections: a session handed back with close() waits, idle, for the next connect() to the
// same guest as the same user with the same key. Idle sessions expire, the pool has a cap, and a
// session found dead (or whose channel cannot open) is replaced by a fresh connection.

import { SshError, type ExecResult, type SshConnector, type SshSession, type SshTarget } from './ssh-session.js';

export interface PoolOptions {
  /** Most sessions kept idle at once; the least recently used go first. */
  maxIdle: number;
  /** How long an idle session is kept. */
  idleMs: number;
}

interface Idle {
  key: string;
  session: SshSession;
  timer: NodeJS.Timeout;
}

const keyOf = (t: SshTarget) => JSON.stringify([t.hostKeyAlias, t.host, t.port, t.user, t.privateKeyPath]);

export class PooledConnector implements SshConnector {
  private idle: Idle[] = [];
  /** Connections opened by the inner connector: what a warm re-sync should not add to. */
  opened = 0;

  constructor(
    private readonly inner: SshConnector,
    private readonly options: PoolOptions = { maxIdle: 64, idleMs: 5 * 60_000 },
  ) {}

  async connect(target: SshTarget, signal: AbortSignal): Promise<SshSession> {
    const key = keyOf(target);
    // A guest that moved leaves its old address's sessions useless.
    for (const i of this.idle.filter((x) => JSON.parse(x.key)[0] === target.hostKeyAlias && x.key !== key)) this.drop(i);
    for (let i = this.idle.findLast((x) => x.key === key); i; i = this.idle.findLast((x) => x.key === key)) {
      this.take(i);
      if (i.session.isOpen()) return this.lease(key, target, i.session, true);
      i.session.close();
    }
    return this.lease(key, target, await this.fresh(target, signal), false);
  }

  private async fresh(target: SshTarget, signal: AbortSignal): Promise<SshSession> {
    const session = await this.inner.connect(target, signal);
    this.opened++;
    return session;
  }

  private lease(key: string, target: SshTarget, first: SshSession, reused: boolean): SshSession {
    let session = first;
    let mayRetry = reused;
    let returned = false;
    return {
      exec: async (command: string, stdin?: Buffer): Promise<ExecResult> => {
        try {
          return await session.exec(command, stdin);
        } catch (err) {
          // A pooled connection that died while idle fails before the command runs: replace it once.
          if (!mayRetry || !(err instanceof SshError) || err.kind !== 'protocol' || session.isOpen()) throw err;
          mayRetry = false;
          session.close();
          session = await this.fresh(target, new AbortController().signal);
          return session.exec(command, stdin);
        } finally {
          mayRetry = false;
        }
      },
      close: () => {
        if (returned) return;
        returned = true;
        this.giveBack(key, session);
      },
      isOpen: () => !returned && session.isOpen(),
    };
  }

  private giveBack(key: string, session: SshSession): void {
    if (!session.isOpen()) return session.close();
    const entry: Idle = { key, session, timer: setTimeout(() => this.drop(entry), this.options.idleMs) };
    entry.timer.unref();
    this.idle.push(entry);
    while (this.idle.length > this.options.maxIdle) this.drop(this.idle[0]!);
  }

  private take(entry: Idle): void {
    clearTimeout(entry.timer);
    this.idle = this.idle.filter((x) => x !== entry);
  }

  private drop(entry: Idle): void {
    this.take(entry);
    entry.session.close();
  }

  /** Closes every idle session. */
  dispose(): void {
    for (const i of [...this.idle]) this.drop(i);
  }

  get idleCount(): number {
    return this.idle.length;
  }
}
