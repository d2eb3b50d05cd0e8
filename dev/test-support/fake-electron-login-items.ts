// The fake electron's launch at login on Windows: the registry values Electron 45 reads and
// writes (shell/browser/browser_win.cc at electron/electron 96f3996, cited per step), with Task
// Manager's Startup apps switch as the user flips it.

/** electron::AddQuoteForArg (shell/common/command_line_util_win.cc:11-52): CommandLineToArgvW's quoting. */
export function addQuoteForArg(arg: string): string {
  if (!/[ \\"]/.test(arg)) return arg;
  let out = '"';
  for (let i = 0; i < arg.length; i++) {
    if (arg[i] === '\\') {
      let end = i + 1;
      while (end < arg.length && arg[end] === '\\') end++;
      const run = end - i;
      out += '\\'.repeat(end === arg.length || arg[end] === '"' ? run * 2 : run);
      i = end - 1;
    } else if (arg[i] === '"') out += '\\"';
    else out += arg[i];
  }
  return `${out}"`;
}

/** FormatCommandLineString (browser_win.cc:156-177): the quoted program, then each quoted argument. */
function formatCommandLine(exe: string, args: string[]): string {
  const bare = exe.length >= 2 && exe.startsWith('"') && exe.endsWith('"') ? exe.slice(1, -1) : exe;
  return [addQuoteForArg(bare), ...args.map(addQuoteForArg)].join(' ');
}

/** base::CommandLine::FromString's split (CommandLineToArgvW rules, enough for what Electron writes). */
function parseCommandLine(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (line[i] === ' ') i++;
    if (i >= line.length) break;
    let arg = '';
    let quoted = false;
    for (; i < line.length && (quoted || line[i] !== ' '); i++) {
      if (line[i] === '\\') {
        let end = i;
        while (line[end] === '\\') end++;
        const run = end - i;
        if (line[end] === '"') {
          arg += '\\'.repeat(Math.floor(run / 2));
          if (run % 2 === 1) arg += '"';
          else quoted = !quoted;
          i = end;
        } else {
          arg += '\\'.repeat(run);
          i = end - 1;
        }
      } else if (line[i] === '"') quoted = !quoted;
      else arg += line[i];
    }
    out.push(arg);
  }
  return out;
}

interface LaunchItem {
  name: string;
  path: string;
  args: string[];
  scope: 'user';
  enabled: boolean;
}

export class LoginItemRegistry {
  /** HKCU\Software\Microsoft\Windows\CurrentVersion\Run (browser_win.cc:58-59): value name → command line. */
  readonly run = new Map<string, string>();
  /** HKCU\…\Explorer\StartupApproved\Run (:62-63): value name → the first byte of its 12-byte REG_BINARY. */
  readonly startupApproved = new Map<string, number>();

  constructor(
    private readonly appUserModelId: () => string,
    private readonly execPath: () => string,
  ) {}

  /** Task Manager > Startup apps > Disable (03 00…) or Enable (02 00…), as Windows writes them. */
  setInTaskManager(name: string, enabled: boolean): void {
    if (!this.run.has(name)) throw new Error(`Task Manager lists no Run value named ${name}`);
    this.startupApproved.set(name, enabled ? 0x02 : 0x03);
  }

  /** Browser::SetLoginItemSettings (:681-716). */
  set(s: { openAtLogin?: boolean; path?: string; args?: string[]; enabled?: boolean; name?: string }): void {
    const key = s.name || this.appUserModelId(); // :686-687
    if (s.openAtLogin) {
      this.run.set(key, formatCommandLine(s.path || this.execPath(), s.args ?? [])); // :690-692
      if (s.enabled ?? true) this.startupApproved.delete(key); // :694-695 (LoginItemSettings.enabled defaults to true, browser.h:80)
      else this.startupApproved.set(key, 0x03); // :696-708
    } else {
      this.startupApproved.delete(key); // :712-714
      this.run.delete(key);
    }
  }

  /** Browser::GetLoginItemSettings (:718-749), HKCU only (HKLM holds nothing of a per-user app). */
  get(o: { path?: string; args?: string[] } = {}) {
    const own = this.run.get(this.appUserModelId());
    // "keep old openAtLogin behaviour": the value named by the app id, compared as a string (:725-730).
    const openAtLogin = own !== undefined && own === formatCommandLine(o.path || this.execPath(), o.args ?? []);
    // The program of the path read as a command line (:191-201): unquoted, "C:\\A B.exe" is "C:\\A" (electron/electron#53911).
    const lookup = (parseCommandLine(o.path || this.execPath())[0] ?? '').toLowerCase();
    const launchItems: LaunchItem[] = [];
    for (const [name, value] of this.run) {
      const [program = '', ...args] = parseCommandLine(value);
      if (program.toLowerCase() !== lookup) continue; // :207-212, case-insensitive path match
      // Enabled unless StartupApproved holds a value other than 00… or 02… (:218-250).
      const approved = this.startupApproved.get(name);
      launchItems.push({ name, path: program, args, scope: 'user', enabled: approved === undefined || approved === 0x00 || approved === 0x02 });
    }
    return { openAtLogin, executableWillLaunchAtLogin: launchItems.some((i) => i.enabled), launchItems };
  }
}
