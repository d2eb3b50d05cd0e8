// Expands a path from ragnatramp.yaml the way Ragnatramp does: leading `~`, `%VAR%` and `$VAR`
// (or `${VAR}`) from the environment, then resolves it against the config file's folder.

import os from 'node:os';
import path from 'node:path';
import { expandHome } from './user-path.js';

export class UnsetVariableError extends Error {
  constructor(readonly variable: string) {
    super(`environment variable ${variable} is not set`);
  }
}

export function expandPath(raw: string, baseDir: string, env: NodeJS.ProcessEnv = process.env, home = os.homedir()): string {
  const value = raw.replace(/%([A-Za-z_][A-Za-z0-9_]*)%|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_m, a, b, c) => {
    const name = (a ?? b ?? c) as string;
    const found = lookupEnv(env, name);
    if (found === undefined) throw new UnsetVariableError(name);
    return found;
  });
  return path.resolve(baseDir, expandHome(value, home));
}

// Windows environment variable names are case-insensitive; POSIX ones are not.
function lookupEnv(env: NodeJS.ProcessEnv, name: string): string | undefined {
  if (env[name] !== undefined) return env[name];
  if (process.platform !== 'win32') return undefined;
  const key = Object.keys(env).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : env[key];
}
