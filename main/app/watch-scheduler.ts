// When passes run: one now and then every poll interval, one right away when the host hints that
// an address may have moved, never two at once (a tick that finds a pass running is dropped, a
// hint during a pass makes one more right after it), and nothing while paused or stopped.

export interface SchedulerHooks {
  pollMs(): number;
  paused(): boolean;
  idle(): boolean;
  /** A background pass; its failure is the pass's to report. */
  watchPass(): Promise<unknown>;
}

export class WatchScheduler {
  private timer: NodeJS.Timeout | null = null;
  private hintTimer: NodeJS.Timeout | null = null;
  private hintPending = false;
  private stopped = true;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly hooks: SchedulerHooks) {}

  /** Starts watching: a pass now, then one every poll interval. */
  start(): void {
    this.stopped = false;
    void this.tick();
  }

  stop(): void {
    this.stopped = true;
    this.clear();
    if (this.hintTimer) clearTimeout(this.hintTimer);
  }

  /** Look again at once (after sleep the Default Switch renumbers; after a fix). */
  rediscover(): void {
    this.clear();
    void this.tick();
  }

  /**
   * The host saw a lease or neighbour change: look now rather than at the next tick. Bursts (a
   * DHCP exchange touches the lease file several times) make one pass.
   */
  hint(): void {
    if (this.stopped || this.hooks.paused()) return;
    if (this.hintTimer) clearTimeout(this.hintTimer);
    this.hintTimer = setTimeout(() => {
      this.hintTimer = null;
      if (this.hooks.idle()) this.rediscover();
      else this.hintPending = true;
    }, 100);
    this.hintTimer.unref?.();
  }

  /** Called when a pass ends: a hint that came during it gets its pass now. */
  passEnded(): void {
    if (!this.hintPending) return;
    this.hintPending = false;
    setImmediate(() => this.rediscover());
  }

  /** Re-arms the timer (after a pass, or when the interval or pause changed). */
  schedule(): void {
    this.clear();
    if (this.stopped || this.hooks.paused()) return;
    this.timer = setTimeout(() => void this.tick(), this.hooks.pollMs());
    this.timer.unref?.();
  }

  pause(): void {
    this.clear();
  }

  /** Runs passes one after another, in the order asked. */
  enqueue<T>(run: () => Promise<T>): Promise<T> {
    const next = this.queue.then(run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private async tick(): Promise<void> {
    if (this.hooks.idle() && !this.hooks.paused()) await this.hooks.watchPass().catch(() => undefined);
    this.schedule();
  }
}
