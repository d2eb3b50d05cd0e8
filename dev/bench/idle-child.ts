// Runs the watching app (controller + engine worker, default settings, Linux provider) against
// a lab for a while and reports its CPU use and resident memory: the cost of leaving the tray
// running. Started in a process of its own by the benchmark, so nothing else is counted.
// Arguments: <ragnatramp.yaml> <manifest.json> <known_hosts file> <seconds>

import { DEFAULT_SETTINGS } from '../../contract/api.js';
import { AppController } from '../../main/app/app-controller.js';
import { WorkerClient } from '../../main/worker/worker-client.js';

const [config, manifest, knownHostsFile, seconds] = process.argv.slice(2);
const worker = new WorkerClient({ manifest, knownHostsFile });
let settings = { ...DEFAULT_SETTINGS, projects: [config!] };
const controller = new AppController({ get: () => settings, set: (s) => (settings = s), warning: null }, worker, { kind: 'browser' });
controller.start();
while (!controller.snapshot().lastPassAt) await new Promise((r) => setTimeout(r, 50));
await new Promise((r) => setTimeout(r, 2000)); // past start-up work: measure the steady state
const cpu = process.cpuUsage();
const started = performance.now();
await new Promise((r) => setTimeout(r, Number(seconds) * 1000));
const used = process.cpuUsage(cpu);
const wall = performance.now() - started;
const result = {
  seconds: Number(seconds),
  cpuPercent: Number(((100 * (used.user + used.system)) / 1000 / wall).toFixed(2)),
  rssMB: Math.round(process.memoryUsage().rss / 1024 / 1024),
  passes: controller.snapshot().lastPassAt !== null,
};
controller.stop();
await worker.dispose();
process.stdout.write(`${JSON.stringify(result)}\n`);
