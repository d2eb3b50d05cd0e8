// The command line's grammar: the commands and options, and parsing argv into checked
// arguments. A mistake is a UsageError whose message names the option (with the closest known
// one when it looks mistyped) and the command whose help to read.

import { parseArgs, type ParseArgsConfig } from 'node:util';
import { didYouMean } from '../engine/did-you-mean.js';
import type { WaitOptions } from '../engine/inspect.js';
import { errorMessage } from '../engine/errors.js';
import { PROVIDER_ARGS, providerArgs } from '../engine/providers/provider-args.js';
import { COMMAND_NAMES } from './help.js';
import type { WatchedDefinition } from '../engine/config/watched-project.js';
import { WATCHED_ARGS, watchedFromArgs } from './watched-args.js';

const COMMANDS = ['status', 'reconcile', 'diagnose', 'hosts', 'fix', 'start', 'stop', 'restart', 'inventory'] as const;
const POWER = ['start', 'stop', 'restart'];

/** What `inventory --format` prints. */
export const INVENTORY_FORMATS = ['ansible', 'ssh', 'hosts'] as const;
export type InventoryFormat = (typeof INVENTORY_FORMATS)[number];
type Command = (typeof COMMANDS)[number];

export class UsageError extends Error {
  constructor(
    message: string,
    /** The command whose help the hint points at. */
    readonly command?: string,
  ) {
    super(message);
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util's parseArgs, with its errors as one-line usage errors and "did you mean". */
export function parseOptions<O extends Options>(args: string[], options: O, command: string, allowPositionals = false) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const unknown = /^Unknown option '([^']+)'/.exec(errorMessage(err))?.[1];
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && unknown) throw new UsageError(`unknown option '${unknown}'${didYouMean(unknown, Object.keys(options).map((o) => `--${o}`))}`, command);
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') throw new UsageError(`unexpected argument: ${errorMessage(err).split('.')[0]!.replace(/^Unexpected argument /, '')}`, command);
    throw new UsageError(errorMessage(err).split('. ')[0]!, command);
  }
}

/** What to print instead of running: the overview, a command's help, or the version. */
export type Info = { help: string | null } | { version: true };

export interface Args {
  command: Command;
  configs: string[];
  json: boolean;
  simulate?: string;
  provider?: string;
  manifest?: string;
  quickemu?: string;
  libvirt?: string;
  proxmox?: string;
  proxmoxToken?: string;
  verbose: boolean;
  wait: WaitOptions;
  dryRun: boolean;
  hosts: boolean;
  concurrency: number;
  timeoutMs: number;
  acceptHostKeys: string[];
  knownHosts?: string;
  applyTo?: string;
  machine?: string;
  /** The project --quickemu, --libvirt or --proxmox define without --config. */
  watched?: WatchedDefinition;
  /** status --watch: print again at every change, until stopped. */
  watch: boolean;
  /** status --watch: between passes. */
  intervalMs: number;
  format?: InventoryFormat;
}

function seconds(name: string, raw: string | undefined, fallback: number, min: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min) throw new UsageError(`--${name} must be a number of seconds ≥ ${min} (got ${JSON.stringify(raw)})`);
  return n;
}

export function parse(argv: string[]): Args | Info {
  if (argv[0] === 'version') {
    if (argv.length > 1) throw new UsageError(`version takes no arguments (got '${argv[1]}')`);
    return { version: true };
  }
  if (argv[0] === 'help') {
    if (argv[1] && !COMMAND_NAMES.includes(argv[1])) throw new UsageError(`no command '${argv[1]}'${didYouMean(argv[1], COMMAND_NAMES)}`);
    return { help: argv[1] ?? null };
  }
  const first = argv[0] && !argv[0].startsWith('-') ? argv[0] : undefined;
  if (first && !(COMMANDS as readonly string[]).includes(first)) throw new UsageError(`unknown command '${first}'${didYouMean(first, COMMAND_NAMES)}`);
  const parsed = parseOptions(
      argv,
      {
        config: { type: 'string', multiple: true },
        json: { type: 'boolean', default: false },
        ...PROVIDER_ARGS,
        ...WATCHED_ARGS,
        verbose: { type: 'boolean', default: false },
        wait: { type: 'string' },
        poll: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        'no-hosts': { type: 'boolean', default: false },
        concurrency: { type: 'string' },
        timeout: { type: 'string' },
        'accept-host-key': { type: 'string', multiple: true },
        'known-hosts': { type: 'string' },
        'apply-to': { type: 'string' },
        machine: { type: 'string' },
        watch: { type: 'boolean', default: false },
        interval: { type: 'string' },
        format: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', default: false },
      },
      first ?? 'help',
      true,
  );
  const { values: v, positionals } = parsed;
  if (v.help) return { help: first ?? null };
  if (v.version) return { version: true };
  const command = positionals[0] as Command | undefined;
  if (!command) throw new UsageError('no command given');
  try {
    return checkedArgs(command, v, positionals);
  } catch (err) {
    if (err instanceof UsageError && !err.command) throw new UsageError(err.message, command);
    throw err;
  }
}

function checkedArgs(command: Command, values: Record<string, unknown>, positionals: string[]): Args {
  const v = values as { pool?: string; tag?: string; 'ssh-user'?: string; 'ssh-key'?: string; config?: string[]; json: boolean; verbose: boolean; wait?: string; poll?: string; 'dry-run': boolean; 'no-hosts': boolean; concurrency?: string; timeout?: string; 'accept-host-key'?: string[]; 'known-hosts'?: string; 'apply-to'?: string; machine?: string; watch: boolean; interval?: string; format?: string; simulate?: string; provider?: string; manifest?: string; quickemu?: string; libvirt?: string; proxmox?: string; 'proxmox-token'?: string };
  const extra = command === 'fix' ? 2 : 1;
  if (command === 'fix' && positionals[1] !== 'kvp') throw new UsageError(`fix knows one repair: 'fix kvp' (got ${positionals[1] ? `'${positionals[1]}'` : 'nothing'})`);
  if (command === 'fix' && !v.machine) throw new UsageError('fix kvp needs --machine <name>');
  if (POWER.includes(command) && !v.machine) throw new UsageError(`${command} needs --machine <name>`);
  if (positionals.length > extra) throw new UsageError(`unexpected argument '${positionals[extra]}'`);
  const configs = v.config ?? [];
  let chosen;
  let watched;
  try {
    chosen = providerArgs(v);
    watched = watchedFromArgs(v, chosen, configs);
  } catch (err) {
    throw new UsageError(errorMessage(err));
  }
  // status, hosts and inventory, like doctor, default to the projects the app watches (cli.ts reads them).
  if (configs.length === 0 && !watched && command !== 'status' && command !== 'hosts' && command !== 'inventory') throw new UsageError(`${command} needs --config <ragnatramp.yaml>, or a project's provider (--quickemu, --libvirt or --proxmox)`);
  if (command !== 'status' && command !== 'inventory' && configs.length > 1) throw new UsageError(`${command} takes one --config; status and inventory take several`);
  const onlyFor = (flag: string, allowed: Command, set: boolean) => {
    if (set && command !== allowed) throw new UsageError(`--${flag} applies to ${allowed} only`);
  };
  if (v['dry-run'] && command !== 'reconcile' && command !== 'fix') throw new UsageError('--dry-run applies to reconcile and fix kvp only');
  onlyFor('no-hosts', 'reconcile', v['no-hosts']);
  onlyFor('accept-host-key', 'reconcile', !!v['accept-host-key']);
  onlyFor('concurrency', 'reconcile', v.concurrency !== undefined);
  if (v.timeout !== undefined && !['reconcile', 'diagnose', 'fix'].includes(command)) throw new UsageError('--timeout applies to reconcile, diagnose and fix kvp only');
  if (v.machine !== undefined && command !== 'fix' && !POWER.includes(command)) throw new UsageError('--machine applies to fix kvp, start, stop and restart only');
  onlyFor('apply-to', 'hosts', v['apply-to'] !== undefined);
  onlyFor('watch', 'status', v.watch);
  if (v.interval !== undefined && !v.watch) throw new UsageError('--interval applies to status --watch only');
  onlyFor('format', 'inventory', v.format !== undefined);
  if (command === 'inventory' && !(INVENTORY_FORMATS as readonly string[]).includes(v.format ?? '')) throw new UsageError(`inventory needs --format ${INVENTORY_FORMATS.join('|')}${v.format === undefined ? '' : ` (got ${JSON.stringify(v.format)})${didYouMean(v.format, [...INVENTORY_FORMATS])}`}`);
  const concurrency = seconds('concurrency', v.concurrency, 8, 1);
  if (!Number.isInteger(concurrency)) throw new UsageError('--concurrency must be a whole number ≥ 1');
  return {
    command,
    configs,
    json: v.json,
    ...chosen,
    verbose: v.verbose,
    wait: { waitMs: seconds('wait', v.wait, command === 'reconcile' ? 60 : 0, 0) * 1000, pollMs: seconds('poll', v.poll, 3, 0.1) * 1000 },
    dryRun: v['dry-run'],
    hosts: !v['no-hosts'],
    concurrency,
    timeoutMs: seconds('timeout', v.timeout, 20, 1) * 1000,
    acceptHostKeys: v['accept-host-key'] ?? [],
    knownHosts: v['known-hosts'],
    applyTo: v['apply-to'],
    machine: v.machine,
    ...(watched ? { watched } : {}),
    watch: v.watch,
    // The app's own default poll; a watcher of a Linux host is also woken by its watchers at once.
    intervalMs: seconds('interval', v.interval, 10, 0.5) * 1000,
    ...(command === 'inventory' ? { format: v.format as InventoryFormat } : {}),
  };
}
