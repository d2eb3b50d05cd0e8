// The narrow seam through which the Hyper-V provider reaches PowerShell, and its real
// implementation: one long-lived node-powershell session, replaced when it dies or hangs. On a
// PC locked down to Constrained Language Mode (WDAC, AppLocker) node-powershell cannot work: it
// frames every command with [Console]::Out.WriteLine, which that mode refuses, so the session
// never answers. The runner asks for the language mode once, with a one-shot process, and in
// Constrained Language Mode runs each script in a process of its own (as Ragnatramp's CLI does).

import { spawn } from 'node:child_process';
import { InvocationError, PowerShell, ProcessError } from 'node-powershell';
import { QUIET_TERMINAL, withoutTerminalNoise } from './terminal-noise.js';

export interface PowerShellRunner {
  /** Runs one script and resolves with its stdout; rejects with PowerShellError. */
  run(script: string): Promise<string>;
  dispose(): Promise<void>;
}

export type PowerShellFailure = 'failed' | 'timeout' | 'exited' | 'unavailable';

export class PowerShellError extends Error {
  constructor(
    message: string,
    readonly kind: PowerShellFailure,
  ) {
    super(message);
    this.name = 'PowerShellError';
  }
}

/**
 * Windows PowerShell 5.1 by absolute path: a `powershell` found on PATH could be anything a
 * user or a tool put earlier on it. %SystemRoot% is where Windows lives.
 */
export function windowsPowerShell(env: NodeJS.ProcessEnv = process.env): string {
  return `${env.SystemRoot ?? 'C:\\Windows'}\\System32\\WindowsPowerShell\\v1.0\\powershell.exe`;
}

/** The PowerShell the runner starts: the absolute Windows one, or pwsh elsewhere (tests, Linux). */
export function powershellExecutable(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string {
  return platform === 'win32' ? windowsPowerShell(env) : 'pwsh';
}

export interface NodePowerShellOptions {
  /** How long one invocation may take before the process is killed and replaced. */
  timeoutMs: number;
  /** Default: powershellExecutable(). Tests pass a fake; NODE_POWERSHELL is never consulted. */
  executable?: string;
}

const ARGS = ['-NoLogo', '-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass'];
const FULL = 'FullLanguage';

export class NodePowerShellRunner implements PowerShellRunner {
  private shell: PowerShell | null = null;
  private tail: Promise<unknown> = Promise.resolve();
  private languageMode: string | null = null;

  constructor(private readonly options: NodePowerShellOptions) {}

  run(script: string): Promise<string> {
    // node-powershell queues too, but our timeout must only start when our turn comes.
    const turn = this.tail.then(async () => ((await this.mode()) === FULL ? this.runNow(script, true) : this.runOnce(script)));
    this.tail = turn.catch(() => undefined);
    return turn;
  }

  /** The session's language mode, asked once of a one-shot process (which needs no framing). */
  private async mode(): Promise<string> {
    if (this.languageMode) return this.languageMode;
    // The mode is the answer's last line once terminal codes and warnings are gone.
    const answer = withoutTerminalNoise(await this.runOnce('$ExecutionContext.SessionState.LanguageMode')).split(/\r?\n/).pop()!.trim();
    this.languageMode = /^[A-Za-z]+Language$/.test(answer) ? answer : FULL;
    return this.languageMode;
  }

  /** The language mode found (null before the first invocation): doctor and the log show it. */
  get detectedLanguageMode(): string | null {
    return this.languageMode;
  }

  /** One script in a process of its own: stdout is the answer, any stderr a failure. */
  private runOnce(script: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.executable(), [...ARGS, '-Command', '-'], { windowsHide: true, stdio: ['pipe', 'pipe', 'pipe'], env: quietEnv() });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new PowerShellError(`PowerShell did not answer within ${Math.round(this.options.timeoutMs / 1000)} s; its process was killed.`, 'timeout'));
      }, this.options.timeoutMs);
      child.stdout.on('data', (d: Buffer) => out.push(d));
      child.stderr.on('data', (d: Buffer) => err.push(d));
      child.on('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(new PowerShellError(e.code === 'ENOENT' ? 'PowerShell could not be started: the executable was not found.' : `PowerShell could not be started (${e.message}).`, e.code === 'ENOENT' ? 'unavailable' : 'exited'));
      });
      child.on('close', () => {
        clearTimeout(timer);
        const stderr = Buffer.concat(err).toString('utf8');
        if (stderr.trim() !== '') reject(new PowerShellError(cleanErrorText(stderr), 'failed'));
        else resolve(Buffer.concat(out).toString('utf8').trim()); // as node-powershell trims its answers
      });
      child.stdin.on('error', () => undefined); // a process that died early: 'close' reports it
      child.stdin.end(`${script}\n`);
    });
  }

  private executable(): string {
    return this.options.executable ?? powershellExecutable();
  }

  private async runNow(script: string, mayRetry: boolean): Promise<string> {
    const shell = (this.shell ??= this.spawn());
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new PowerShellError(`PowerShell did not answer within ${Math.round(this.options.timeoutMs / 1000)} s; its process was killed and will be replaced.`, 'timeout')), this.options.timeoutMs);
    });
    try {
      const result = await Promise.race([shell.invoke(script), timedOut]);
      return result.raw;
    } catch (err) {
      if (err instanceof PowerShellError) {
        await this.replace(shell);
        throw err;
      }
      if (err instanceof ProcessError || isExitedError(err)) {
        await this.replace(shell);
        // A session that died between passes is replaced and the pass goes on once.
        if (mayRetry && !isSpawnFailure(err)) return this.runNow(script, false);
        throw new PowerShellError(describeProcessError(err), isSpawnFailure(err) ? 'unavailable' : 'exited');
      }
      if (err instanceof InvocationError) throw new PowerShellError(cleanErrorText(err.message), 'failed');
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  private spawn(): PowerShell {
    // node-powershell prefers NODE_POWERSHELL over the executable it is given (its
    // PowerShell.setExecutable): hide the variable while the shell is made, so that the
    // absolute path stands and no environment variable silently swaps the program.
    const override = process.env.NODE_POWERSHELL;
    delete process.env.NODE_POWERSHELL;
    try {
      return new PowerShell({
        executable: this.executable(),
        executableOptions: { '-NoProfile': true, '-NonInteractive': true, '-ExecutionPolicy': 'Bypass' },
        spawnOptions: { windowsHide: true, env: quietEnv() },
      });
    } finally {
      if (override !== undefined) process.env.NODE_POWERSHELL = override;
    }
  }

  private async replace(shell: PowerShell): Promise<void> {
    if (this.shell === shell) this.shell = null;
    await killQuietly(shell);
  }

  async dispose(): Promise<void> {
    const shell = this.shell;
    this.shell = null;
    if (shell) await killQuietly(shell);
  }
}

/** The environment of every PowerShell process: the user's, with no terminal codes asked for. */
function quietEnv(): NodeJS.ProcessEnv {
  return { ...process.env, ...QUIET_TERMINAL };
}

// dispose() waits for the exit event; a process stuck in the kernel must not hang us too.
async function killQuietly(shell: PowerShell): Promise<void> {
  await Promise.race([shell.dispose('SIGKILL').catch(() => undefined), new Promise((r) => setTimeout(r, 2000).unref())]);
}

function isExitedError(err: unknown): boolean {
  return err instanceof InvocationError && /process exited/i.test(err.message);
}

function isSpawnFailure(err: unknown): boolean {
  return err instanceof ProcessError && (err.originalError as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

function describeProcessError(err: unknown): string {
  if (isSpawnFailure(err)) return 'PowerShell could not be started: the executable was not found on PATH.';
  return `The PowerShell process exited unexpectedly${err instanceof Error && err.message ? ` (${err.message.split('\n')[0]})` : ''}; it will be restarted at the next pass.`;
}

/** PowerShell error records carry position and category lines; the first lines say it all. */
export function cleanErrorText(text: string): string {
  const lines = text.replace(/\r/g, '').split('\n');
  const cut = lines.findIndex((l) => /^At line:\d+|^\s*\+ (CategoryInfo|FullyQualifiedErrorId)|^At char:/.test(l));
  return (cut === -1 ? lines : lines.slice(0, cut)).join(' ').replace(/\s+/g, ' ').trim() || 'PowerShell reported an error without a message.';
}
