// The fake electron's session: the default session's permission handlers, and what Electron 45
// decides when the page asks for a permission (electron/electron 96f3996).

import { isReady } from './fake-electron-ready.js';

type RequestHandler = (contents: unknown, permission: string, callback: (granted: boolean) => void, details: unknown) => void;
type CheckHandler = (contents: unknown, permission: string, requestingOrigin: string, details: unknown) => boolean;

class FakeSession {
  requestHandler: RequestHandler | null = null;
  checkHandler: CheckHandler | null = null;
  setPermissionRequestHandler(handler: RequestHandler | null) {
    this.requestHandler = handler;
  }
  setPermissionCheckHandler(handler: CheckHandler | null) {
    this.checkHandler = handler;
  }
  /** A page's request (getUserMedia, Notification.requestPermission…): with no handler every permission is GRANTED (shell/browser/electron_permission_manager.cc:226-249). */
  requestPermission(permission: string, requestingUrl = 'file:///app/dist/renderer/index.html', contents: unknown = null): Promise<boolean> {
    if (!this.requestHandler) return Promise.resolve(true);
    const handler = this.requestHandler;
    return new Promise((resolve) => handler(contents, permission, resolve, { requestingUrl, isMainFrame: true }));
  }
  /** A page's check (navigator.permissions.query): with no handler true, the synchronous clipboard read aside (:356-362). */
  checkPermission(permission: string, requestingOrigin = 'file:///', contents: unknown = null): boolean {
    if (!this.checkHandler) return permission !== 'deprecated-sync-clipboard-read';
    return this.checkHandler(contents, permission, requestingOrigin, {});
  }
}

let current = new FakeSession();

export const session = {
  // "Session can only be received when app is ready" (shell/browser/api/electron_api_session.cc:1926).
  get defaultSession(): FakeSession {
    if (!isReady()) throw new TypeError('Session can only be received when app is ready');
    return current;
  },
};

export function resetSession(): void {
  current = new FakeSession();
}
