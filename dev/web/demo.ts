// `npm run --silent demo`: the browser host on a temporary copy of examples/demo with its
// simulated Hyper-V host, so that trying the app changes nothing in the repository or in the
// user's own settings. Prints the URL to open first, like `web`.

import { copyDemo } from './demo-copy.js';
import { startWebHost } from './web-host.js';

const demo = copyDemo();
const host = await startWebHost({
  configs: [demo.config],
  simulate: demo.scenario,
  port: Number(process.env.PORT ?? 0),
  home: demo.home,
});
process.stdout.write(`${host.url}\n`);
process.stderr.write(`Demo project: ${demo.project} (edit scenario.yaml there to change IPs, stop VMs, break KVP). Ctrl+C stops it.\n`);
const stop = () => void host.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
