// The fake Electron's notifications: Windows toasts as Electron 45 shows them and as Windows
// activates them (in-process, or through the COM activator and the global callback). Part of
// fake-electron.ts; each behaviour cites the Electron source line it follows.

import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { assertReady, electronEvent, fromNative } from './fake-electron-ready.js';

/** The raw launch arguments of a toast: its toastXml's `<toast launch>`; Electron's own XML has none. */
function launchArgs(toastXml: string | undefined): string {
  const m = toastXml && /<toast\b[^>]*\slaunch="([^"]*)"/.exec(toastXml);
  return m ? m[1]!.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&') : '';
}

type ActivationDetails = { type: string; arguments: string };

const ENTITIES = /&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[\da-fA-F]+);)/;

/** Whether Windows' XmlDocument would load this: nested tags, quoted attributes, every `&` an entity. */
function wellFormedXml(xml: string): boolean {
  const open: string[] = [];
  for (const m of xml.matchAll(/<(\/?)([A-Za-z][\w.:-]*)((?:\s+[\w.:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)|</g)) {
    const [, close, name, attrs, selfClosing, text] = m;
    if (text !== undefined) {
      if (ENTITIES.test(text)) return false;
    } else if (!name || ENTITIES.test(attrs ?? '')) return false;
    else if (close) {
      if (open.pop() !== name) return false;
    } else if (!selfClosing) open.push(name);
  }
  return open.length === 0 && /^\s*</.test(xml);
}

/**
 * Windows toasts, modelled on Electron 45's Windows code. The id is the toast's tag, a random UUID
 * when not given (electron_api_notification.cc:97-98). Showing is done on a background thread
 * and reported back as a task: 'show', or 'failed' with Windows' reason
 * (windows_toast_notification.cc:237-263, :503-537). Electron's generated toast XML sets no
 * `launch` attribute (GetToastXml, :575-745), so an activation carries empty arguments unless a
 * toastXml sets them.
 */
export class Notification extends EventEmitter {
  static supported = true;
  static shown: Notification[] = [];
  /** What Windows answers the next show() with: null shows it, a string fails it with that reason. */
  static failure: string | null = null;
  static activationHandler: ((details: ActivationDetails) => void) | null = null;
  /** An activation that came before any callback was registered (windows_toast_activator.cc:499-504). */
  static storedActivation: ActivationDetails | null = null;
  static isSupported() {
    return Notification.supported;
  }
  // A stored activation is handed to the callback at once (docs, Notification.handleActivation).
  static handleActivation(callback: (details: ActivationDetails) => void) {
    Notification.activationHandler = callback;
    const stored = Notification.storedActivation;
    Notification.storedActivation = null;
    if (stored) callback(stored);
  }
  readonly id: string;
  /** The object was garbage-collected (or the app restarted): only the global callback hears a click. */
  gone = false;
  constructor(readonly options: { title: string; body: string; silent?: boolean; id?: string; toastXml?: string }) {
    super();
    assertReady('Notification');
    this.id = options.id || randomUUID();
  }
  show() {
    Notification.shown.push(this);
    // A custom toastXml Windows cannot parse fails the toast (windows_toast_notification.cc:313-325).
    const badXml = this.options.toastXml !== undefined && !wellFormedXml(this.options.toastXml) ? "XML: Invalid XML, ERROR (the XML parser's HRESULT)" : null;
    const failure = badXml ?? Notification.failure;
    setImmediate(() => fromNative(() => (failure === null ? this.emit('show', electronEvent()) : this.emit('failed', electronEvent(), failure))));
  }
  /**
   * A click on a toast whose object is alive, delivered in-process (ToastEventHandler::Invoke):
   * a plain click emits only the toast's 'click' (windows_toast_notification.cc:888-902).
   */
  click() {
    if (this.gone) throw new Error('the Notification object is gone: use Notification.activate');
    fromNative(() => this.emit('click', electronEvent()));
  }
  /**
   * A click that reaches the COM activator (from the Action Center, after a restart, or while the
   * object lives): the global callback first (windows_toast_activator.cc:527-529), then the
   * living Notification whose tag the arguments name, if any, gets 'click' (:531-565).
   */
  static activate(toast: Notification | string) {
    const args = typeof toast === 'string' ? toast : launchArgs(toast.options.toastXml);
    const params = new URLSearchParams(args);
    fromNative(() => {
      const details = { type: params.get('type') === 'action' ? 'action' : 'click', arguments: args };
      if (Notification.activationHandler) Notification.activationHandler(details);
      else Notification.storedActivation = details;
      const target = Notification.shown.find((n) => !n.gone && n.id === (params.get('tag') ?? ''));
      target?.emit('click', electronEvent());
    });
  }
}

export function resetNotifications(): void {
  Notification.shown = [];
  Notification.supported = true;
  Notification.failure = null;
  Notification.activationHandler = null;
  Notification.storedActivation = null;
}
