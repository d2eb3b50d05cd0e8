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

/** The `arguments` of a toastXml's index-th `<action>` button (decoded as Windows' XML parser would). */
function actionArgs(toastXml: string | undefined, index: number): string | null {
  const m = [...(toastXml ?? '').matchAll(/<action\b[^>]*\sarguments="([^"]*)"/g)][index];
  return m ? m[1]!.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&') : null;
}

type ActivationDetails = { type: string; arguments: string; actionIndex?: number };

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
  constructor(readonly options: { title: string; body: string; silent?: boolean; id?: string; toastXml?: string; actions?: Array<{ type: 'button'; text: string }> }) {
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

  /**
   * A press on the toast's index-th button. Windows activates the toast with that `<action>`'s
   * arguments; since Electron 43 the in-process path too goes through HandleToastActivation
   * (windows_toast_notification.cc:881-895 at 96f3996, #51286), which parses `type=action&action=<i>&tag=`
   * (windows_toast_activator.cc:436-460), calls the global callback first with type 'action' and
   * actionIndex (:470-475, :529), then the living Notification with that tag emits 'action' with
   * the index (:532-559; electron_api_notification.cc:209-222, EmitWithoutEvent). A toast without
   * that button cannot be pressed there.
   */
  static activateAction(toast: Notification, index: number) {
    const args = actionArgs(toast.options.toastXml, index);
    if (args === null) throw new Error(`the toast has no button ${index}`);
    const params = new URLSearchParams(args);
    const actionIndex = Number(params.get('action') ?? -1);
    fromNative(() => {
      const details = params.get('type') === 'action' ? { type: 'action', actionIndex, arguments: args } : { type: 'click', arguments: args };
      if (Notification.activationHandler) Notification.activationHandler(details);
      else Notification.storedActivation = details;
      const target = Notification.shown.find((n) => !n.gone && n.id === (params.get('tag') ?? ''));
      if (details.type === 'action') target?.emit('action', electronEvent(), actionIndex, -1);
      else target?.emit('click', electronEvent());
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
