// The renderer's state (zustand): the app state pushed by main, plus what only the window
// cares about (the open tab, diagnostics results, toasts, the VM to bring into view).

import { create } from 'zustand';
import type { AppEvent, AppState, DiagnosticView, HostChecksView, IpChange, KvpFixResult, RagnatrampApi, Settings, View } from '../../contract/api';

export type Tab = View;

export interface Toast {
  id: number;
  change: IpChange;
  /** How many times this very notice came (repeats collapse into one). */
  count: number;
}

/** How long a notice stays before it goes by itself. */
export const TOAST_MS = 20_000;

// A VM's newer notice supersedes its older one; the same notice again only counts up; at most
// three are shown, the newest last, besides the renumbered VMs (shown as one notice, however many).
export function addToast(toasts: Toast[], change: IpChange, id: number): Toast[] {
  const same = toasts.find((t) => JSON.stringify(t.change) === JSON.stringify(change));
  if (same) return toasts.map((t) => (t === same ? { ...t, count: t.count + 1 } : t));
  const next = [...toasts.filter((t) => t.change.key !== change.key), { id, change, count: 1 }];
  const others = next.filter((t) => t.change.kind !== 'changed');
  return next.filter((t) => t.change.kind === 'changed' || others.indexOf(t) >= others.length - 3);
}

export type Loadable<T> = { status: 'idle' } | { status: 'loading' } | { status: 'done'; value: T } | { status: 'failed'; error: string };

export interface UiState {
  api: RagnatrampApi | null;
  app: AppState | null;
  settings: Settings | null;
  tab: Tab;
  toasts: Toast[];
  focusKey: string | null;
  error: string | null;
  /** Set while the connection to the app is lost: what to say. */
  linkLost: string | null;
  /** Each project's last checks, with when they were taken. */
  diagnostics: Record<string, Loadable<{ views: DiagnosticView[]; at: string }> & { last?: { views: DiagnosticView[]; at: string } }>;
  fixes: Record<string, Loadable<KvpFixResult>>;
  /** "This PC": the host checks of the providers in use; the last result stays shown while they run again. */
  hostChecks: Loadable<HostChecksView> & { last?: HostChecksView };
  /** The window opened with no project watched: the first run, when auto-sync is asked. */
  firstRun: boolean;
  connect(api: RagnatrampApi): () => void;
  /** The connection was lost (what to say) or is back (null: the state is fetched again). */
  setLink(lost: string | null): void;
  setTab(tab: Tab): void;
  dismissToast(id: number): void;
  focus(key: string | null): void;
  run<T>(work: (api: RagnatrampApi) => Promise<T>): Promise<T | undefined>;
  runDiagnostics(configPath: string): Promise<void>;
  runHostChecks(): Promise<void>;
  fixKvp(configPath: string, machineName: string, dryRun: boolean): Promise<KvpFixResult | undefined>;
  /** Mutes or unmutes one check of one VM (kept in the settings). */
  setMuted(key: string, muted: boolean): Promise<void>;
}

let toastId = 1;

export const useStore = create<UiState>((set, get) => ({
  api: null,
  app: null,
  settings: null,
  tab: 'vms',
  toasts: [],
  focusKey: null,
  linkLost: null,
  error: null,
  diagnostics: {},
  fixes: {},
  hostChecks: { status: 'idle' },
  firstRun: false,

  connect(api) {
    set({ api });
    const unsubscribe = api.subscribe((e: AppEvent) => {
      if (e.type === 'state') set({ app: e.state });
      else if (e.type === 'change') {
        const id = toastId++;
        set((s) => ({ toasts: addToast(s.toasts, e.change, id) }));
        setTimeout(() => get().dismissToast(id), TOAST_MS);
      }
      else if (e.type === 'show') set({ tab: e.view, focusKey: e.vmKey });
    });
    void Promise.all([api.getState(), api.getSettings()]).then(([app, settings]) => set({ app, settings, firstRun: settings.projects.length === 0 }), (err: Error) => set({ error: err.message }));
    return unsubscribe;
  },

  setLink: (lost) => {
    const wasLost = get().linkLost;
    set({ linkLost: lost });
    const api = get().api;
    if (!lost && wasLost && api) void api.getState().then((app) => set({ app }), () => undefined);
  },

  setTab: (tab) => set({ tab }),
  dismissToast: (id) => set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })),
  focus: (key) => set({ tab: 'vms', focusKey: key }),

  async run(work) {
    const api = get().api;
    if (!api) return undefined;
    try {
      set({ error: null });
      return await work(api);
    } catch (err) {
      set({ error: (err as Error).message });
      return undefined;
    }
  },

  async runDiagnostics(configPath) {
    // The checks shown stay while they are taken again (after a fix, say): the page does not empty under the reader.
    set((s) => {
      const before = s.diagnostics[configPath];
      const last = before?.status === 'done' ? before.value : before?.last;
      return { diagnostics: { ...s.diagnostics, [configPath]: { status: 'loading', ...(last ? { last } : {}) } } };
    });
    try {
      const views = await get().api!.diagnose(configPath);
      set((s) => ({ diagnostics: { ...s.diagnostics, [configPath]: { status: 'done', value: { views, at: new Date().toISOString() } } } }));
    } catch (err) {
      set((s) => ({ diagnostics: { ...s.diagnostics, [configPath]: { status: 'failed', error: (err as Error).message } } }));
    }
  },

  async runHostChecks() {
    const last = get().hostChecks.status === 'done' ? (get().hostChecks as { value: HostChecksView }).value : get().hostChecks.last;
    set({ hostChecks: { status: 'loading', ...(last ? { last } : {}) } });
    try {
      set({ hostChecks: { status: 'done', value: await get().api!.hostChecks() } });
    } catch (err) {
      set({ hostChecks: { status: 'failed', error: (err as Error).message, ...(last ? { last } : {}) } });
    }
  },

  async setMuted(key, muted) {
    const current = get().settings?.muted ?? [];
    const next = muted ? [...new Set([...current, key])] : current.filter((k) => k !== key);
    const settings = await get().run((api) => api.updateSettings({ muted: next }));
    if (settings) set({ settings });
  },

  async fixKvp(configPath, machineName, dryRun) {
    const key = `${configPath}#${machineName}`;
    set((s) => ({ fixes: { ...s.fixes, [key]: { status: 'loading' } } }));
    try {
      const value = await get().api!.fixKvp(configPath, machineName, dryRun);
      set((s) => ({ fixes: { ...s.fixes, [key]: { status: 'done', value } } }));
      return value;
    } catch (err) {
      set((s) => ({ fixes: { ...s.fixes, [key]: { status: 'failed', error: (err as Error).message } } }));
      return undefined;
    }
  },
}));
