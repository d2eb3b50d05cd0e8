// Native notifications for a pass's changes, as pass-notices.ts words them (several VMs renumbered
// at once are one notice): once per change (the change detector reports each once; this also
// never repeats the last text shown for the same news, unless the OS failed to show it), only when
// the setting is on, and a click opens the window on that toast's VM, also when it comes from the
// Windows Action Center after the toast closed and its Notification object is gone, and only once
// when Windows reports one click twice. A notice that offers "Sync now" carries it as the toast's
// one button (Windows, macOS: Electron's actions), which reconciles its projects.

import { randomUUID } from 'node:crypto';
import { Notification } from 'electron';
import type { IpChange, View } from '../../contract/api.js';
import { passNotices, SYNC_NOW, type PassNotice } from '../app/pass-notices.js';

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
export function toastXml(title: string, body: string, tag: string, action: string | null = null): string {
  // The button as Electron writes its own (windows_toast_notification.cc:673-684 at 96f3996):
  // a foreground activation whose arguments its activator parses into an 'action' of index 0.
  const actions = action ? `<actions><action activationType="foreground" arguments="${xmlText(`type=action&action=0&tag=${tag}`)}" content="${xmlText(action)}"/></actions>` : '';
  return `<toast launch="${xmlText(`type=click&tag=${tag}`)}"><visual><binding template="ToastGeneric"><text>${xmlText(title)}</text><text>${xmlText(body)}</text></binding></visual>${actions}</toast>`;
}

export class Notifier {
  private lastShown = new Map<string, string>();
  // Notifications are garbage-collected (and their clicks lost) unless something holds them.
  private live = new Set<Notification>();
  /** Each toast's tag → the VM its click opens (null: the list). */
  private targets = new Map<string, string | null>();
  private lastOpened = { tag: '', at: -Infinity };
  /** Each toast's tag → the projects its Sync now reconciles. */
  private syncs = new Map<string, string[]>();
  private readonly windows: boolean;

  constructor(
    private readonly enabled: () => boolean,
    private readonly show: (view: View, vmKey: string | null) => void,
    private readonly platform: NodeJS.Platform = process.platform,
    private readonly now: () => number = () => Date.now(),
    /** Sync now: reconciles these projects. */
    private readonly syncNow: (configPaths: string[]) => void = () => undefined,
    /** Told the OS's reason when it refuses a notification, and null once one is shown again (Settings says it). */
    private readonly report: (failure: string | null) => void = () => undefined,
  ) {
    // Windows only (Electron docs, Notification.handleActivation, "@platform win32"): called for
    // every activation, whether or not the Notification object still exists, before that
    // object's own 'click' when it does.
    this.windows = platform === 'win32' && typeof Notification.handleActivation === 'function';
    // A button press reaches it as type 'action' (windows_toast_activator.cc:470-475), also for a
    // toast whose object is gone; the living object's own 'action' follows (:532-559): not heard here.
    if (this.windows) Notification.handleActivation((details) => {
      const tag = new URLSearchParams(details.arguments).get('tag') ?? '';
      if (details.type === 'action') this.act(tag);
      else this.open(tag);
    });
  }

  private act(tag: string): void {
    const projects = this.syncs.get(tag);
    // Pressed once: a second press (or a report of the same press) syncs nothing more.
    this.syncs.delete(tag);
    if (projects) this.syncNow(projects);
  }

  private open(tag: string): void {
    const now = this.now();
    if (tag && tag === this.lastOpened.tag && now - this.lastOpened.at < SAME_CLICK_MS) return;
    this.lastOpened = { tag, at: now };
    // A toast of an earlier run: its VM is unknown here, so the list.
    this.show('vms', this.targets.get(tag) ?? null);
  }

  /** One pass's changes, as few notices as say them (pass-notices.ts); whether each was shown. */
  notifyPass(changes: IpChange[], autoSync: boolean): boolean[] {
    return passNotices(changes, autoSync).map((notice) => this.present(notice));
  }

  /** One change on its own (hosts synced automatically: no action). */
  notify(change: IpChange, autoSync = true): boolean {
    return this.notifyPass([change], autoSync).some(Boolean);
  }

  private present(notice: PassNotice): boolean {
    if (!this.enabled() || !Notification.isSupported()) return false;
    const { key, title, body } = notice;
    const text = `${title}\n${body}`;
    if (this.lastShown.get(key) === text) return false;
    this.lastShown.set(key, text);
    const tag = randomUUID();
    this.targets.set(tag, notice.vmKey);
    if (this.targets.size > REMEMBERED) this.targets.delete(this.targets.keys().next().value!);
    if (notice.sync) this.syncs.set(tag, notice.sync);
    if (this.syncs.size > REMEMBERED) this.syncs.delete(this.syncs.keys().next().value!);
    // Buttons exist on Windows and macOS only (Electron docs, Notification "actions ... macOS Windows").
    const action = notice.sync && (this.windows || this.platform === 'darwin') ? SYNC_NOW : null;
    const n = new Notification({
      title,
      body,
      silent: false,
      ...(action ? { actions: [{ type: 'button' as const, text: action }] } : {}),
      ...(this.windows ? { id: tag, toastXml: toastXml(title, body, tag, action) } : {}),
    });
    this.live.add(n);
    n.on('click', () => this.open(tag));
    // macOS: the button's press comes as the object's 'action' (electron_api_notification.cc:209-222).
    if (!this.windows) n.on('action', () => this.act(tag));
    // Not shown (notifications switched off for the app in Windows' Settings; on macOS an unsigned
    // build, or notifications not allowed: the UNUserNotificationCenter error's description,
    // cocoa_notification.mm:203-217): the same change may be told later, and Settings says why.
    n.on('show', () => this.report(null));
    n.on('failed', (_event: unknown, error: string) => {
      this.report(error || 'the system gave no reason');
      if (this.lastShown.get(key) === text) this.lastShown.delete(key);
      this.targets.delete(tag);
      this.syncs.delete(tag);
      this.live.delete(n);
    });
    n.on('close', () => this.live.delete(n));
    n.show();
    return true;
  }
}
