// Launch at login, pointed at the right program. Electron's default is process.execPath: under
// `npm start` that is bare electron.exe (it would start Electron's default app), and for the
// portable build a temp folder that is deleted when it exits; electron-builder's portable
// launcher names the real .exe in PORTABLE_EXECUTABLE_FILE. Only a packaged app on Windows or
// macOS offers the setting (Electron docs, app.setLoginItemSettings: "@platform darwin,win32").

export const HIDDEN_FLAG = '--hidden';

export interface LoginItemTarget {
  path: string;
  args: string[];
}

export function loginItemTarget(env: NodeJS.ProcessEnv, execPath: string): LoginItemTarget {
  return { path: env.PORTABLE_EXECUTABLE_FILE || execPath, args: [HIDDEN_FLAG] };
}

export function canLaunchAtLogin(isPackaged: boolean, platform: NodeJS.Platform): boolean {
  return isPackaged && (platform === 'win32' || platform === 'darwin');
}
