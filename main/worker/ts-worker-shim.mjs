// Runs a TypeScript worker entry when the app itself runs from source under tsx (the browser
// host in development, the tests): worker threads do not inherit tsx's loader on Node 20.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
