// Native notifications for IP changes and new duplicates: once per change (the change detector
// reports each once; this also never repeats the last text shown for a VM), only when the
// setting is on, and a click opens the window on that VM.

import { Notification } from 'electron';
import type { IpChange, View } from '../contract/api.js';
import { describeChange } from '../app/change-detector.js';

export class Notifier {
  private lastShown = new Map<string, string>();
  // Notifications are garbage-collected (and their clicks lost) unless something holds them.
  private live = new Set<Notification>();

  constructor(
    private readonly enabled: () => boolean,
    private readonly show: (view: View, vmKey: string | null) => void,
  ) {}

  notify(change: IpChange): boolean {
    if (!this.enabled() || !Notification.isSupported()) return false;
    const { title, body } = describeChange(change);
    const text = `${title}\n${body}`;
    if (this.lastShown.get(change.key) === text) return false;
    this.lastShown.set(change.key, text);
    const n = new Notification({ title, body, silent: false });
    this.live.add(n);
    n.on('click', () => this.show('vms', change.kind === 'duplicate' ? null : change.key));
    n.on('close', () => this.live.delete(n));
    n.show();
    return true;
  }
}
