// A stand-in for the engine worker, for WorkerClient's own tests in a real worker thread: it
// speaks the worker protocol (main/worker/worker-protocol.ts) and misbehaves as workerData.mode
// says: 'hang' answers nothing but dispose, 'block' never yields its event loop after a call,
// 'crash' exits at every call. Like the engine worker, it answers the heartbeat's ping while its
// event loop runs (a 'hang' is work that never ends, not a stopped loop), once it said it is
// ready. Each start and each dispose is appended to workerData.log.
import { appendFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';

const { mode, log } = workerData;
appendFileSync(log, 'started\n');
parentPort.on('message', ({ id, method }) => {
  if (method === 'dispose') {
    appendFileSync(log, 'disposed\n');
    return parentPort.postMessage({ kind: 'result', id, value: null });
  }
  if (method === 'ping' && mode !== 'block' && mode !== 'crash') return parentPort.postMessage({ kind: 'result', id, value: 'pong' });
  if (mode === 'crash') process.exit(3);
  if (mode === 'block') for (;;);
  if (mode === 'answer') parentPort.postMessage({ kind: 'result', id, value: method });
});
parentPort.postMessage({ kind: 'ready' });
