// `npm run --silent demo`: the browser host on a temporary copy of examples/demo with its
// simulated Hyper-V host, so that trying the app changes nothing in the repository or in the
// user's own settings. Prints the URL to open first, like `web`.

import { cpSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startWebHost } from './web-host.js';

const example = fileURLToPath(new URL('../../examples/demo/', import.meta.url));
const dir = mkdtempSync(path.join(os.tmpdir(), 'ragnatramp-tray-demo-'));
cpSync(example, path.join(dir, 'demo'), { recursive: true });
const host = await startWebHost({
  configs: [path.join(dir, 'demo', 'ragnatramp.yaml')],
  simulate: path.join(dir, 'demo', 'scenario.yaml'),
  port: Number(process.env.PORT ?? 0),
  home: path.join(dir, 'home'),
});
process.stdout.write(`${host.url}\n`);
process.stderr.write(`Demo project: ${path.join(dir, 'demo')} (edit scenario.yaml there to change IPs, stop VMs, break KVP). Ctrl+C stops it.\n`);
const stop = () => void host.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
