// The main thread's side of the engine worker: typed calls with promises and progress events.
// Every call has a deadline: a worker that does not answer in time (a PowerShell or SSH session
// stuck for good) is replaced, its pending calls fail with a message saying so, and 'restarted'
// tells the user. A replaced or stopped worker is first asked to dispose of its providers'
// environments (PowerShell sessions, SSH pools, virsh and `ip monitor` children), which a bare
// Worker.terminate() would leave running. A worker that keeps dying is restarted with a growing
// delay, not in a loop. While a call waits, the worker is pinged every few seconds: one whose
// event loop stopped (a synchronous loop, a native call that never returns) is found within
// seconds, not at the call's generous deadline; a worker gone is said at once ('restarted'), and
// the first answer of its successor says the engine is back ('recovered').

import { EventEmitter } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { WorkerCalls, WorkerInit, WorkerMessage, WorkerRequest } from './worker-protocol.js';

const FROM_SOURCE = import.meta.url.endsWith('.ts');

/** How long each call may take before the worker is taken for hung (generous: these are not timeouts of the work itself, which has its own). */
export const CALL_DEADLINES_MS: Record<keyof WorkerCalls, number> = {
  pass: 180_000,
  checkProject: 30_000,
  diagnose: 180_000,
  hostChecks: 180_000,
  // fixKvp waits up to 300 s for the guest's package manager (engine-worker.ts).
  fixKvp: 600_000,
  prepareSsh: 120_000,
  // Half a megabyte of the log's tail, read and parsed.
  vmLog: 30_000,
  // A stop waits for the guest up to 90 s (libvirt) or 60 s and then 5 s (quickemu); a restart of a quickemu VM also starts it.
  power: 300_000,
  dispose: 5_000,
  // The heartbeat's: a worker whose event loop runs answers at once.
  ping: 10_000,
};

/** How often a worker with calls waiting is pinged. */
const HEARTBEAT_MS = 2_000;

const QUITTING = 'The engine has stopped (the app is quitting).';

export interface WorkerClientOptions {
  /** The worker's module (tests start stand-ins); the engine worker by default. */
  entry?: URL;
  deadlinesMs?: Partial<Record<keyof WorkerCalls, number>>;
  /** Delay before the n-th restart in a row: base·2^(n-1), at most max; a call answered resets it. */
  backoffMs?: { base: number; max: number };
  /** How often a worker with calls waiting is pinged (HEARTBEAT_MS by default). */
  heartbeatMs?: number;
}

export interface WorkerClientEvents {
  progress: [key: string, phase: string];
  hint: [];
  restarted: [reason: string];
  /** The first answer from the worker that replaced a lost one. */
  recovered: [];
}

/**
 * In a packaged app the code lives in app.asar and the worker's modules, with the packages they
 * import, in app.asar.unpacked beside it (electron-builder.yml, asarUnpack): the worker is
 * started from there, so it loads plain files from disk.
 */
export function unpackedEntry(entry: URL): URL {
  return new URL(entry.href.replace(/\/app\.asar\//, '/app.asar.unpacked/'));
}

export class WorkerClient extends EventEmitter<WorkerClientEvents> {
  private worker: Worker | null = null;
  private nextId = 1;
  private pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout; method: keyof WorkerCalls }>();
  private disposed = false;
  /** Deaths in a row without an answer, and when the next worker may start. */
  private failures = 0;
  private notBefore = 0;
  private readonly deadlines: Record<keyof WorkerCalls, number>;
  private readonly backoff: { base: number; max: number };
  private heartbeat: NodeJS.Timeout | null = null;
  /** A worker was lost and none has answered since. */
  private down = false;
  /** The worker that said it is ready: one still loading its modules is not pinged. */
  private ready: Worker | null = null;

  constructor(
    private readonly init: WorkerInit,
    private readonly options: WorkerClientOptions = {},
  ) {
    super();
    this.deadlines = { ...CALL_DEADLINES_MS, ...options.deadlinesMs };
    this.backoff = options.backoffMs ?? { base: 1000, max: 60_000 };
  }

  async call<M extends keyof WorkerCalls>(method: M, ...args: Parameters<WorkerCalls[M]>): Promise<ReturnType<WorkerCalls[M]>> {
    if (this.disposed) throw new Error(QUITTING);
    const wait = this.notBefore - Date.now();
    if (!this.worker && wait > 0) await new Promise((r) => setTimeout(r, wait));
    // Quitting while the back-off ran: no new worker (and no PowerShell or SSH of its own) after dispose().
    if (this.disposed) throw new Error(QUITTING);
    const worker = (this.worker ??= this.spawn());
    return this.send(worker, method, args);
  }

  private send<M extends keyof WorkerCalls>(worker: Worker, method: M, args: unknown[]): Promise<ReturnType<WorkerCalls[M]>> {
    const id = this.nextId++;
    const ms = this.deadlines[method];
    if (method !== 'dispose' && method !== 'ping') this.beat();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        if (method === 'dispose') return void this.settle(id, new Error('The engine did not stop its work in time.'));
        void this.replace(worker, method === 'ping' ? `it stopped answering (no reply within ${ms / 1000} s)` : `it did not answer ${method} within ${ms / 1000} s`);
      }, ms);
      timer.unref();
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer, method });
      worker.postMessage({ id, method, args } as WorkerRequest);
    });
  }

  /** Pings the worker while calls wait on it, one ping at a time; stops when none waits. */
  private beat(): void {
    if (this.heartbeat) return;
    this.heartbeat = setInterval(() => {
      const waiting = [...this.pending.values()];
      if (!this.worker || this.disposed || !waiting.some((p) => p.method !== 'ping' && p.method !== 'dispose')) {
        clearInterval(this.heartbeat!);
        this.heartbeat = null;
        return;
      }
      if (this.ready === this.worker && !waiting.some((p) => p.method === 'ping')) this.send(this.worker, 'ping', []).catch(() => undefined);
    }, this.options.heartbeatMs ?? HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  private settle(id: number, error: Error | null, value?: unknown): void {
    const waiting = this.pending.get(id);
    if (!waiting) return;
    this.pending.delete(id);
    clearTimeout(waiting.timer);
    if (error) waiting.reject(error);
    else waiting.resolve(value);
  }

  private spawn(): Worker {
    const entry = this.options.entry ?? unpackedEntry(new URL(`./engine-worker.${FROM_SOURCE ? 'ts' : 'js'}`, import.meta.url));
    const fromSource = entry.pathname.endsWith('.ts');
    const worker = fromSource ? new Worker(new URL('./ts-worker-shim.mjs', import.meta.url), { workerData: { ...this.init, entry: entry.href } }) : new Worker(entry, { workerData: this.init });
    worker.on('message', (m: WorkerMessage) => {
      if (m.kind === 'progress') return void this.emit('progress', m.key, m.phase);
      if (m.kind === 'hint') return void this.emit('hint');
      if (m.kind === 'ready') return void (this.ready = worker);
      if (this.worker === worker) {
        this.failures = 0;
        if (this.down) {
          this.down = false;
          this.emit('recovered');
        }
      }
      this.settle(m.id, m.kind === 'error' ? new Error(m.message) : null, m.kind === 'result' ? m.value : undefined);
    });
    worker.on('error', (err) => this.lost(worker, err.message));
    worker.on('exit', (code) => this.lost(worker, `exit code ${code}`));
    return worker;
  }

  /** The worker is gone: its calls fail, the user is told, and the next one starts after the back-off. */
  private lost(worker: Worker, reason: string): void {
    if (this.worker !== worker) return;
    this.worker = null;
    this.failures++;
    this.notBefore = Date.now() + Math.min(this.backoff.base * 2 ** (this.failures - 1), this.backoff.max);
    const failed = [...this.pending.keys()];
    for (const id of failed) this.settle(id, new Error(`The engine stopped unexpectedly (${reason}); it was restarted. Try again.`));
    if (this.disposed) return;
    this.down = true;
    this.emit('restarted', reason);
  }

  /** A hung worker: its calls fail now; it disposes of its environments if it still can, then it is stopped. */
  private async replace(worker: Worker, reason: string): Promise<void> {
    if (this.worker !== worker) return;
    this.lost(worker, reason);
    await this.stop(worker);
  }

  private async stop(worker: Worker): Promise<void> {
    await this.send(worker, 'dispose', []).catch(() => undefined);
    await worker.terminate();
  }

  /** Quitting: the worker disposes of its environments (bounded by the dispose deadline), then stops; calls still waiting fail. */
  async dispose(): Promise<void> {
    this.disposed = true;
    const w = this.worker;
    this.worker = null;
    if (w) await this.stop(w);
    for (const id of [...this.pending.keys()]) this.settle(id, new Error(QUITTING));
  }
}
