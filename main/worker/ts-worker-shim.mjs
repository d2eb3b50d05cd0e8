// Runs a TypeScript worker entry when the app itself runs from source under tsx (the browser
// host in development, the tests): worker threads do not inherit tsx's loader on Node 20.
// Under the tests, the engine thread keeps test traffic home too: the test setup names its guard
// in RAGNATRAMP_TEST_GUARD (a worker gets a copy of the environment), loaded before the engine.
import { pathToFileURL } from 'node:url';
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
if (process.env.VITEST && process.env.RAGNATRAMP_TEST_GUARD) (await import(pathToFileURL(process.env.RAGNATRAMP_TEST_GUARD).href)).guardConnections();
await import(workerData.entry);
