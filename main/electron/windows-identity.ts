// Who the app is to Windows, chosen before anything registers it. Electron names three things
// after it (Electron 45, main at 96f3996):
// - the launch-at-login Run value: named by the AppUserModelID (shell/browser/browser_win.cc:686-687);
// - the Start-menu shortcut it writes for toasts: "<app name>.lnk" in the user's Programs,
//   rewritten to point at the running .exe when it points elsewhere
//   (shell/browser/notifications/win/windows_toast_activator.cc:240-244, 272-306);
// - the toast activator's COM class, HKCU\Software\Classes\CLSID\<CLSID>: random at every run
//   unless the app sets one (shell/common/application_info_win.cc:89-100; :142-159 of the file
//   above writes the key).
// So the installed app has a fixed CLSID its uninstaller can remove (assets/installer.nsh), and
// the portable build and a development run are other identities: the portable (unpacked into a
// temporary folder at every start) never rewrites the installed app's shortcut to point at its
// own temporary copy, nor shares its Run value.

export const APP_ID = 'io.github.ragnatramp.tray';
export const PRODUCT_NAME = 'Ragnatramp Tray';
/** The installed app's toast activator; assets/installer.nsh removes its key at uninstall. */
export const TOAST_ACTIVATOR_CLSID = '{B05FF305-93CC-4426-8029-6E15B7D3241E}';
const PORTABLE_TOAST_ACTIVATOR_CLSID = '{CA0534B3-AAF0-4885-ADAB-5F71FBFA68EF}';

export interface WindowsIdentity {
  kind: 'installed' | 'portable' | 'development';
  appUserModelId: string;
  name: string;
  /** null: Electron's own (a development run registers nothing worth removing). */
  toastActivatorClsid: string | null;
}

export function windowsIdentity(isPackaged: boolean, env: NodeJS.ProcessEnv): WindowsIdentity {
  if (!isPackaged) return { kind: 'development', appUserModelId: `${APP_ID}.dev`, name: `${PRODUCT_NAME} (dev)`, toastActivatorClsid: null };
  // electron-builder's portable launcher sets this before it starts the app (templates/nsis/portable.nsi:78).
  if (env.PORTABLE_EXECUTABLE_FILE) return { kind: 'portable', appUserModelId: `${APP_ID}.portable`, name: `${PRODUCT_NAME} (portable)`, toastActivatorClsid: PORTABLE_TOAST_ACTIVATOR_CLSID };
  return { kind: 'installed', appUserModelId: APP_ID, name: PRODUCT_NAME, toastActivatorClsid: TOAST_ACTIVATOR_CLSID };
}
