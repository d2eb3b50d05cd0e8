// One provider's discovery benchmark as a process of its own, for a lab whose guests are reached
// only from inside its namespace (libvirt's): `ip netns exec <ns> tsx provider-discovery-child.ts
// <provider> <options JSON> <config> <sizes> <pin file>` prints the rows as JSON.

import { benchProviderDiscovery } from './provider-discovery-bench.js';

const [provider, options, config, sizes, pins] = process.argv.slice(2);
const rows = await benchProviderDiscovery(provider!, JSON.parse(options!), config!, sizes!.split(',').map(Number), pins!);
process.stdout.write(`${JSON.stringify(rows)}\n`);
