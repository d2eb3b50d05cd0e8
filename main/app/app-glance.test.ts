// The glance is true at every moment (issue 23, points 3 and 4), driven through the controller
// pass by pass with a scripted engine: during a hypervisor outage the summary and the tooltip lead
// with the cause and the header lists no per-VM problem of the rows it can no longer ask; the
// summary's relative time moves while paused; a lost engine is said at once and until it answers.
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, problemList, type AppEvent, type ProjectView, type Settings, type VmView } from '../../contract/api.js';
import { trayTooltip } from '../electron/tray-menu.js';
import type { PassResult, WorkerCalls } from '../worker/worker-protocol.js';
import { AppController } from './app-controller.js';
import type { SettingsStore } from './settings.js';

/** An engine that answers each pass with the next scripted result. */
class ScriptedWorker extends EventEmitter {
  constructor(readonly passes: PassResult[]) {
    super();
  }
  async call<M extends keyof WorkerCalls>(method: M): Promise<ReturnType<WorkerCalls[M]>> {
    if (method !== 'pass') throw new Error(`not scripted: ${method}`);
    const next = this.passes.shift();
    if (!next) throw new Error('no more passes scripted');
    return next as ReturnType<WorkerCalls[M]>;
  }
}

const CONFIG = '/p/ragnatramp.yaml';
const vm = (machineName: string, over: Partial<VmView> = {}): VmView => ({
  key: `${CONFIG}#${machineName}`, machineName, vmName: `p-${machineName}`, status: 'running', vmState: 'Running', provider: 'Hyper-V', lookedIn: 'Hyper-V',
  ipv4: '172.18.0.2', ipv6: [], tier: { id: 'kvp', label: 'KVP', help: '' }, mac: null, discoveredAt: null, previousIpv4: null, lastKnownIpv4: null,
  hostsStale: false, hostsSkip: null, problems: [], muted: [], facts: [], sshOpen: true, sshAt: null, duplicateOf: [], warnings: [], sync: null, history: [], ...over,
});
const noContact = { facts: [{ label: 'KVP', value: 'No Contact', ok: false, why: null }] };
const project = (vms: VmView[], over: Partial<ProjectView> = {}): ProjectView => ({ configPath: CONFIG, name: 'p', error: null, vms, hostsBlock: '', warnings: [], ...over });
const pass = (at: string, over: Partial<PassResult>): PassResult => ({ at, hypervisorError: null, projects: [], duplicates: [], syncs: {}, syncedBlocks: {}, changes: 0, ipDiffs: [], ...over });
/** What the worker answers when Get-VM fails: the cause, its fix, Windows' words; the project's VMs unknown. */
const VMMS = "The Hyper-V Virtual Machine Management service (vmms) is Stopped.\nStart it from Services (or 'Start-Service vmms' in an administrator PowerShell), or restart the PC.\nHyper-V said: Hyper-V was unable to find a virtual machine.";
const outage = (at: string) => pass(at, { hypervisorError: VMMS, projects: [project([vm('web', { status: 'unknown', ipv4: null })], { stale: 'Showing what was last seen: Hyper-V could not be asked (the cause is above).' })] });

function settings(initial: Partial<Settings> = {}): SettingsStore {
  let value: Settings = { ...DEFAULT_SETTINGS, projects: [CONFIG], ...initial };
  return { get: () => value, set: (v) => (value = v), warning: null };
}

let stops: Array<() => void> = [];
afterEach(() => {
  for (const s of stops) s();
  stops = [];
});

function setup(passes: PassResult[], clock = { now: new Date('2026-11-22T10:00:00.000Z') }, tickMs?: number) {
  const worker = new ScriptedWorker(passes);
  const controller = new AppController(settings({ pollSeconds: 3600 }), worker as never, { kind: 'electron' }, { simulated: false, now: () => clock.now, ...(tickMs ? { tickMs } : {}) });
  const events: AppEvent[] = [];
  controller.on('event', (e) => events.push(e));
  stops.push(() => controller.stop());
  return { worker, controller, events, clock };
}

describe('during a hypervisor outage', () => {
  it('the summary and the tooltip lead with the cause, and the header lists no problem of the rows it cannot ask (two passes)', async () => {
    const { controller } = setup([pass('2026-11-22T09:59:50.000Z', { projects: [project([vm('web'), vm('db', noContact)])] }), outage('2026-11-22T10:00:00.000Z')]);
    await controller.api.reconcileNow(null);
    expect(problemList(controller.snapshot()).map((p) => p.text)).toEqual(['db: KVP No Contact']);
    await controller.api.reconcileNow(null);
    const s = controller.snapshot();
    // The rows stay, greyed, as last seen; what needs attention is the cause, said once.
    expect(s.projects[0]!.vms.map((v) => v.machineName)).toEqual(['web', 'db']);
    expect(problemList(s)).toEqual([]);
    expect(s.summary).toBe('The Hyper-V Virtual Machine Management service (vmms) is Stopped. · 2 VMs as last seen just now');
    const tooltip = trayTooltip(s);
    expect(tooltip.startsWith('The Hyper-V Virtual Machine Management service (vmms) is Stopped.')).toBe(true);
    expect(tooltip.length).toBeLessThanOrEqual(127);
    expect(tooltip).not.toContain('Hyper-V said');
  });

  it('a problem the last pass cleared is not kept, before or after an outage', async () => {
    const { controller } = setup([
      pass('2026-11-22T09:59:00.000Z', { projects: [project([vm('db', noContact)])] }),
      pass('2026-11-22T09:59:30.000Z', { projects: [project([vm('db')])] }),
      outage('2026-11-22T09:59:40.000Z'),
      pass('2026-11-22T09:59:50.000Z', { projects: [project([vm('db')])] }),
    ]);
    const header = () => problemList(controller.snapshot()).map((p) => p.text);
    await controller.api.reconcileNow(null);
    expect(header()).toEqual(['db: KVP No Contact']);
    for (let i = 0; i < 3; i++) {
      await controller.api.reconcileNow(null);
      expect(header()).toEqual([]);
    }
    expect(controller.snapshot()).toMatchObject({ hypervisorError: null, health: 'good' });
  });
});

describe('time moves, and a lost engine is said', () => {
  it('the summary (window and tooltip) ticks while paused', async () => {
    const { controller, events, clock } = setup([pass('2026-11-22T10:00:00.000Z', { projects: [project([vm('web')])] })], undefined, 20);
    await controller.api.reconcileNow(null);
    await controller.api.setPaused(true);
    controller.start();
    clock.now = new Date('2026-11-22T10:03:00.000Z');
    await expect.poll(() => events.flatMap((e) => (e.type === 'state' ? [e.state.summary] : [])).at(-1), { timeout: 2000 }).toBe('1 VM · 1 running · hosts not synced yet · 3 min ago · paused');
  });

  it('an engine that died or stopped answering is said at once, first in the tooltip, until it answers again', async () => {
    const { controller, worker } = setup([pass('2026-11-22T10:00:00.000Z', { projects: [project([vm('web')])] })]);
    await controller.api.reconcileNow(null);
    worker.emit('restarted', 'it stopped answering (no reply within 10 s)');
    const lost = controller.snapshot();
    expect(lost.engineLost).toBe('The engine stopped unexpectedly (it stopped answering (no reply within 10 s)); it is being restarted.');
    expect(lost.health).toBe('error');
    expect(trayTooltip(lost).startsWith('The engine stopped unexpectedly')).toBe(true);
    worker.emit('recovered');
    expect(controller.snapshot()).toMatchObject({ engineLost: null, health: 'good' });
    expect(trayTooltip(controller.snapshot()).startsWith('Ragnatramp Tray\n')).toBe(true);
  });
});
