// Error classes the engine throws across its edges. Each says which file, field or VM is at
// fault and what to do, so the CLI and the app can show the message as it is.

export interface InputProblem {
  /** Dotted path of the offending field, e.g. `machines[1].name`; null for the whole file. */
  field: string | null;
  line?: number;
  column?: number;
  problem: string;
}

/** Bad input from the user's files or flags (CLI exit code 2). Nothing was written. */
export class InputError extends Error {
  constructor(
    readonly file: string,
    readonly problems: InputProblem[],
    readonly fix: string,
  ) {
    super(formatInputError(file, problems, fix));
    this.name = 'InputError';
  }
}

function formatInputError(file: string, problems: InputProblem[], fix: string): string {
  const lines = problems.map((p) => {
    const where = p.line ? `${file}:${p.line}${p.column ? `:${p.column}` : ''}` : file;
    return `${where}: ${p.field ? `${p.field}: ` : ''}${p.problem}`;
  });
  return `${lines.join('\n')}\n${fix}`;
}

/** The hypervisor could not be queried at all (CLI exit code 1). */
export class HypervisorError extends Error {
  constructor(
    message: string,
    readonly hint: string,
    readonly detail?: string,
  ) {
    super(`${message}\n${hint}`);
    this.name = 'HypervisorError';
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
