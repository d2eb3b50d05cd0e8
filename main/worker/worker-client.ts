// The main thread's side of the engine worker: typed calls with promises, progress events, and
// a crashed worker restarted (its pending calls fail with a message saying so).

import { EventEmitter } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { WorkerCalls, WorkerInit, WorkerMessage, WorkerRequest } from './worker-protocol.js';

const FROM_SOURCE = import.meta.url.endsWith('.ts');

export interface WorkerClientEvents {
  progress: [key: string, phase: string];
  hint: [];
  restarted: [reason: string];
}

export class WorkerClient extends EventEmitter<WorkerClientEvents> {
  private worker: Worker | null = null;
  private nextId = 1;
  private pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private disposed = false;

  constructor(private readonly init: WorkerInit) {
    super();
  }

  call<M extends keyof WorkerCalls>(method: M, ...args: Parameters<WorkerCalls[M]>): Promise<ReturnType<WorkerCalls[M]>> {
    const worker = (this.worker ??= this.spawn());
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.postMessage({ id, method, args } as WorkerRequest);
    });
  }

  private spawn(): Worker {
    const entry = new URL(`./engine-worker.${FROM_SOURCE ? 'ts' : 'js'}`, import.meta.url);
    const worker = FROM_SOURCE ? new Worker(new URL('./ts-worker-shim.mjs', import.meta.url), { workerData: { ...this.init, entry: entry.href } }) : new Worker(entry, { workerData: this.init });
    worker.on('message', (m: WorkerMessage) => {
      if (m.kind === 'progress') return void this.emit('progress', m.key, m.phase);
      if (m.kind === 'hint') return void this.emit('hint');
      const waiting = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.kind === 'result') waiting?.resolve(m.value);
      else waiting?.reject(new Error(m.message));
    });
    const crashed = (reason: string) => {
      if (this.worker !== worker) return;
      this.worker = null;
      const failed = [...this.pending.values()];
      this.pending.clear();
      for (const p of failed) p.reject(new Error(`The engine stopped unexpectedly (${reason}); it was restarted. Try again.`));
      if (!this.disposed) this.emit('restarted', reason);
    };
    worker.on('error', (err) => crashed(err.message));
    worker.on('exit', (code) => crashed(`exit code ${code}`));
    return worker;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    const w = this.worker;
    this.worker = null;
    await w?.terminate();
  }
}
