// The window asks for no browser permission (camera, microphone, notifications, geolocation,
// clipboard, HID, serial…), so every request and check is refused. Without handlers Electron
// grants them all: a request with no handler is GRANTED (shell/browser/electron_permission_manager.cc:226-249)
// and so is a check, the synchronous clipboard read aside (:356-362); docs/tutorial/security.md:283
// ("By default, Electron will automatically approve all permission requests").

import type { Session } from 'electron';

export function refuseAllPermissions(session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}
