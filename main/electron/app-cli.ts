// The command line inside the installed app: `Ragnatramp Tray.exe --cli <command> …` runs the
// same CLI as `npm run cli`, so an installed PC has `ragnatramp-tray doctor` without Node (the
// installer ships ragnatramp-tray.cmd beside the .exe and puts that folder on the user's PATH).
// The app's own Node is the only one there: ELECTRON_RUN_AS_NODE is switched off by a fuse
// (electron-builder.yml), so the CLI runs in the main process before any window exists. Electron
// attaches its stdio to the parent console on Windows (shell/app/electron_main_win.cc:156-158),
// and app.exit(code) ends the process with the CLI's code whether or not the app is ready
// (shell/browser/browser.cc:140-147).

export const CLI_FLAG = '--cli';
/** Asks a running app to quit as its Quit does (the installer's ask, assets/installer.nsh). */
export const QUIT_FLAG = '--quit';

/**
 * The CLI's arguments when the app was started as the command line: `--cli` must be the first
 * argument (after the app folder in a development run), so a machine named "--cli" deep in a
 * command line never turns the tray app into the CLI.
 */
export function cliArguments(argv: string[], isPackaged: boolean): string[] | null {
  const first = isPackaged ? 1 : 2;
  return argv[first] === CLI_FLAG ? argv.slice(first + 1) : null;
}

/** Runs the CLI and resolves to its exit code once everything it wrote has been flushed. */
export async function runCliInApp(argv: string[], home: string, streams: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream } = process): Promise<number> {
  // Loaded only here: the tray app itself never needs the CLI's modules.
  const { runCli } = await import('../cli/cli.js');
  const { processWatchStop } = await import('../cli/watch-signals.js');
  const code = await runCli(argv, {
    stdout: (t) => streams.stdout.write(t),
    stderr: (t) => streams.stderr.write(t),
    env: process.env,
    logDir: home,
    watchStop: processWatchStop,
  }).catch((err: unknown) => {
    streams.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  });
  // app.exit() does not wait for a pipe to drain.
  await Promise.all([streams.stdout, streams.stderr].map((s) => new Promise((r) => s.write('', r))));
  return code;
}
