// The narrow seam through which the Hyper-V provider reaches PowerShell, and its real
// implementation: one long-lived node-powershell session, replaced when it dies or hangs.

import { InvocationError, PowerShell, ProcessError } from 'node-powershell';

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

export interface NodePowerShellOptions {
  /** How long one invocation may take before the process is killed and replaced. */
  timeoutMs: number;
  /** powershell (Windows PowerShell 5.1, the default on Windows), pwsh, or a path. */
  executable?: string;
}

export class NodePowerShellRunner implements PowerShellRunner {
  private shell: PowerShell | null = null;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: NodePowerShellOptions) {}

  run(script: string): Promise<string> {
    // node-powershell queues too, but our timeout must only start when our turn comes.
    const turn = this.tail.then(() => this.runNow(script, true));
    this.tail = turn.catch(() => undefined);
    return turn;
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
    return new PowerShell({
      executable: this.options.executable ?? (process.platform === 'win32' ? 'powershell' : 'pwsh'),
      executableOptions: { '-NoProfile': true, '-NonInteractive': true, '-ExecutionPolicy': 'Bypass' },
      spawnOptions: { windowsHide: true },
    });
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
