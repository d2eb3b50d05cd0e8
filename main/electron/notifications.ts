// Native notifications for IP changes and new duplicates: once per change (the change detector
// reports each once; this also never repeats the last text shown for a VM, unless the OS failed
// to show it), only when the setting is on, and a click opens the window on that toast's VM, also
// when it comes from the Windows Action Center after the toast closed and its Notification object
// is gone, and only once when Windows reports one click twice.

import { randomUUID } from 'node:crypto';
import { Notification } from 'electron';
import type { IpChange, View } from '../../contract/api.js';
import { describeChange } from '../app/change-detector.js';

/** How many toasts' targets are remembered (the Action Center keeps about 20 per app). */
const REMEMBERED = 100;
/** The same toast opened again this soon is the same click, reported twice. */
const SAME_CLICK_MS = 2000;

const xmlText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * Electron's own toast XML has no `launch` attribute, so an activation that reaches the global
 * callback (Notification.handleActivation) carries no word of which toast it was. This one's
 * launch string names its tag, in the `key=value&…` form Electron's activator parses
 * (windows_toast_activator.cc, HandleToastActivation), which also finds the living toast by it.
 */
export function toastXml(title: string, body: string, tag: string): string {
  return `<toast launch="${xmlText(`type=click&tag=${tag}`)}"><visual><binding template="ToastGeneric"><text>${xmlText(title)}</text><text>${xmlText(body)}</text></binding></visual></toast>`;
}

export class Notifier {
  private lastShown = new Map<string, string>();
  // Notifications are garbage-collected (and their clicks lost) unless something holds them.
  private live = new Set<Notification>();
  /** Each toast's tag → the VM its click opens (null: the list). */
  private targets = new Map<string, string | null>();
  private lastOpened = { tag: '', at: -Infinity };
  private readonly windows: boolean;

  constructor(
    private readonly enabled: () => boolean,
    private readonly show: (view: View, vmKey: string | null) => void,
    platform: NodeJS.Platform = process.platform,
    private readonly now: () => number = () => Date.now(),
    /** Told the OS's reason when it refuses a notification, and null once one is shown again (Settings says it). */
    private readonly report: (failure: string | null) => void = () => undefined,
  ) {
    // Windows only (Electron docs, Notification.handleActivation, "@platform win32"): called for
    // every activation, whether or not the Notification object still exists, before that
    // object's own 'click' when it does.
    this.windows = platform === 'win32' && typeof Notification.handleActivation === 'function';
    if (this.windows) Notification.handleActivation((details) => this.open(new URLSearchParams(details.arguments).get('tag') ?? ''));
  }

  private open(tag: string): void {
    const now = this.now();
    if (tag && tag === this.lastOpened.tag && now - this.lastOpened.at < SAME_CLICK_MS) return;
    this.lastOpened = { tag, at: now };
    // A toast of an earlier run: its VM is unknown here, so the list.
    this.show('vms', this.targets.get(tag) ?? null);
  }

  notify(change: IpChange): boolean {
    if (!this.enabled() || !Notification.isSupported()) return false;
    const { title, body } = describeChange(change);
    const text = `${title}\n${body}`;
    if (this.lastShown.get(change.key) === text) return false;
    this.lastShown.set(change.key, text);
    const tag = randomUUID();
    this.targets.set(tag, change.kind === 'duplicate' ? null : change.key);
    if (this.targets.size > REMEMBERED) this.targets.delete(this.targets.keys().next().value!);
    const n = new Notification({ title, body, silent: false, ...(this.windows ? { id: tag, toastXml: toastXml(title, body, tag) } : {}) });
    this.live.add(n);
    n.on('click', () => this.open(tag));
    // Not shown (notifications switched off for the app in Windows' Settings; on macOS an unsigned
    // build, or notifications not allowed: the UNUserNotificationCenter error's description,
    // cocoa_notification.mm:203-217): the same change may be told later, and Settings says why.
    n.on('show', () => this.report(null));
    n.on('failed', (_event: unknown, error: string) => {
      this.report(error || 'the system gave no reason');
      if (this.lastShown.get(change.key) === text) this.lastShown.delete(change.key);
      this.targets.delete(tag);
      this.live.delete(n);
    });
    n.on('close', () => this.live.delete(n));
    n.show();
    return true;
  }
}
