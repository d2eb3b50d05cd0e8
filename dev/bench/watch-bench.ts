// How fast the watching app notices a guest renumbered by DHCP on the Linux provider, with the
// watcher's default settings: from the moment the guest asks for its new lease to the change
// event the window and the notifications receive.

import path from 'node:path';
import { DEFAULT_SETTINGS, type IpChange } from '../../contract/api.js';
import { AppController } from '../../main/app/app-controller.js';
import type { LabControl } from '../lab/lab.js';
import { WorkerClient } from '../../main/worker/worker-client.js';
import { median, round } from './stats.js';

export async function benchChangeDetection(lab: LabControl, changes: number, work: string): Promise<{ median: number; max: number; samples: number[] }> {
  const worker = new WorkerClient({ manifest: lab.paths.manifest, knownHostsFile: path.join(work, 'watch_known_hosts.json') });
  let settings = { ...DEFAULT_SETTINGS, projects: [lab.paths.config] };
  const controller = new AppController({ get: () => settings, set: (s) => (settings = s), warning: null }, worker, { kind: 'browser' });
  const seen: Array<{ change: IpChange; at: number }> = [];
  controller.on('event', (e) => {
    if (e.type === 'change') seen.push({ change: e.change, at: performance.now() });
  });
  controller.start();
  try {
    while (!controller.snapshot().lastPassAt) await new Promise((r) => setTimeout(r, 50));
    const samples: number[] = [];
    for (let i = 0; i < changes; i++) {
      const guest = lab.record.guests[i % lab.record.guests.length]!;
      let renewedAt = 0;
      const before = seen.length;
      const ip = await lab.changeIp(guest.machine, () => (renewedAt = performance.now()));
      const deadline = Date.now() + 30_000;
      let hit: { at: number } | undefined;
      while (!(hit = seen.slice(before).find((s) => s.change.kind === 'changed' && s.change.machineName === guest.machine && s.change.to === ip))) {
        if (Date.now() > deadline) throw new Error(`no change event for ${guest.machine} → ${ip}`);
        await new Promise((r) => setTimeout(r, 5));
      }
      samples.push(hit.at - renewedAt);
      await new Promise((r) => setTimeout(r, 500)); // let the pass settle before the next change
    }
    return { median: round(median(samples), 0), max: round(Math.max(...samples), 0), samples: samples.map((s) => round(s, 0)) };
  } finally {
    controller.stop();
    await worker.dispose();
  }
}
