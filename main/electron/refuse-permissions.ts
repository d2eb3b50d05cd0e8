// The window asks for no browser permission (camera, microphone, notifications, geolocation,
// clipboard reading, HID, serial…), so every request and check is refused, but one: writing the
// clipboard from the app's own page (its Copy buttons call navigator.clipboard.writeText, which
// Chromium lets through only with `clipboard-sanitized-write`, during a click). Without handlers
// Electron grants them all: a request with no handler is GRANTED
// (shell/browser/electron_permission_manager.cc:226-249) and so is a check, the synchronous
// clipboard read aside (:356-362); docs/tutorial/security.md:283 ("By default, Electron will
// automatically approve all permission requests").

import type { Session } from 'electron';

/** The app's page is a file: URL (main.ts loads dist/renderer/index.html; navigation elsewhere is refused). */
const fromAppPage = (url: string | undefined) => !!url && url.startsWith('file:');

function allowed(permission: string, requestingUrl: string | undefined): boolean {
  return permission === 'clipboard-sanitized-write' && fromAppPage(requestingUrl);
}

export function refuseAllPermissions(session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => callback(allowed(permission, details.requestingUrl)));
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) => allowed(permission, requestingOrigin));
}
