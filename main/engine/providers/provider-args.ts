// The start-up options that choose and feed a provider (--simulate, --provider, --manifest), as
// the CLI, Electron's main process and the browser host all parse them: one definition for
// node:util's parseArgs and one check.

import path from 'node:path';
import type { ProviderOptions } from './provider-entry.js';
import { checkProviderName } from './registry.js';

export const PROVIDER_ARGS = {
  simulate: { type: 'string' },
  provider: { type: 'string' },
  manifest: { type: 'string' },
} as const;

/** Checked and with absolute paths; throws an Error whose message is a usage error. */
export function providerArgs(values: { simulate?: unknown; provider?: unknown; manifest?: unknown }): ProviderOptions & { provider?: string } {
  const file = (flag: string, v: unknown) => {
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || v === '') throw new Error(`--${flag} needs a file name`);
    return path.resolve(v);
  };
  const provider = checkProviderName(values.provider);
  const simulate = file('simulate', values.simulate);
  const manifest = file('manifest', values.manifest);
  return { ...(simulate ? { simulate } : {}), ...(provider ? { provider } : {}), ...(manifest ? { manifest } : {}) };
}
