// The command line's grammar: the usage text, the commands and options, and parsing argv into
// checked arguments. A mistake is a UsageError whose message names the option and the fix.

import { parseArgs } from 'node:util';
import type { WaitOptions } from '../engine/inspect.js';
import { errorMessage } from '../engine/errors.js';
import { PROVIDER_ARGS, providerArgs } from '../engine/providers/provider-args.js';

export const USAGE = `Usage: ragnatramp-tray <command> --config <ragnatramp.yaml> [options]

Commands:
  status     discovery and diagnostics for one or more projects; writes nothing
  reconcile  discover IPs, record them in state.json, sync every guest's /etc/hosts
  diagnose   KVP, SSH and configuration checks with the commands that fix them
  hosts      print the managed hosts block (or merge it into a file with --apply-to)
  fix kvp    install and start a guest's Hyper-V KVP daemon over SSH (--machine; --dry-run
             prints the exact commands)
  doctor     check every step of a pass on this PC, one by one, with the fix for each
             (--config optional: the app's projects by default)
  support-bundle  write one zip for a bug report: log, versions, settings, projects (--out)
  ssh-config print the OpenSSH config for the project's VMs; --write installs it so that
             'ssh <machine>' works from this host (an Include line in ~/.ssh/config)

Options:
  --config <yaml>          a project's ragnatramp.yaml (status takes several)
  --json                   print one JSON document on stdout and nothing else
  --simulate <scenario>    answer from a Hyper-V simulation scenario instead of PowerShell
  --provider <name>        hyperv (default on Windows) or linux (default elsewhere)
  --manifest <file>        Linux provider: the VMs, MACs and lease files to use
  --verbose                print each PowerShell invocation to stderr
  --wait <s>               poll running VMs without an IPv4 for up to s seconds
                           (reconcile: 60, others: 0)
  --poll <s>               seconds between those polls (3)
  --dry-run                reconcile: plan and show, write nothing
  --no-hosts               reconcile: record IPs but do not touch any /etc/hosts
  --concurrency <n>        reconcile: guests synced at once (8)
  --timeout <s>            reconcile: deadline per guest (20)
  --accept-host-key <m>    reconcile: trust machine m's new SSH host key (after a rebuild)
  --known-hosts <file>     where pinned SSH host keys live
  --apply-to <file>        hosts: merge the block into this file, keeping a .ragnatramp.bak
  --machine <name>         fix kvp: the machine to fix
  --help, --version

Exit codes: 0 success, 1 the hypervisor could not be queried or a VM failed, 2 bad input.`;

const COMMANDS = ['status', 'reconcile', 'diagnose', 'hosts', 'fix'] as const;
type Command = (typeof COMMANDS)[number];

export class UsageError extends Error {}

export interface Args {
  command: Command;
  configs: string[];
  json: boolean;
  simulate?: string;
  provider?: string;
  manifest?: string;
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
}

function seconds(name: string, raw: string | undefined, fallback: number, min: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min) throw new UsageError(`--${name} must be a number of seconds ≥ ${min} (got ${JSON.stringify(raw)})`);
  return n;
}

export function parse(argv: string[]): Args | 'help' | 'version' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        config: { type: 'string', multiple: true },
        json: { type: 'boolean', default: false },
        ...PROVIDER_ARGS,
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
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', default: false },
      },
    });
  } catch (err) {
    throw new UsageError(errorMessage(err));
  }
  const { values: v, positionals } = parsed;
  if (v.help) return 'help';
  if (v.version) return 'version';
  const command = positionals[0] as Command | undefined;
  if (!command) throw new UsageError('no command given');
  if (!COMMANDS.includes(command)) throw new UsageError(`unknown command '${command}'`);
  const extra = command === 'fix' ? 2 : 1;
  if (command === 'fix' && positionals[1] !== 'kvp') throw new UsageError(`fix knows one repair: 'fix kvp' (got ${positionals[1] ? `'${positionals[1]}'` : 'nothing'})`);
  if (command === 'fix' && !v.machine) throw new UsageError('fix kvp needs --machine <name>');
  if (positionals.length > extra) throw new UsageError(`unexpected argument '${positionals[extra]}'`);
  const configs = v.config ?? [];
  if (configs.length === 0) throw new UsageError(`${command} needs --config <ragnatramp.yaml>`);
  if (command !== 'status' && configs.length > 1) throw new UsageError(`${command} takes one --config; status takes several`);
  const onlyFor = (flag: string, allowed: Command, set: boolean) => {
    if (set && command !== allowed) throw new UsageError(`--${flag} applies to ${allowed} only`);
  };
  if (v['dry-run'] && command !== 'reconcile' && command !== 'fix') throw new UsageError('--dry-run applies to reconcile and fix kvp only');
  onlyFor('no-hosts', 'reconcile', v['no-hosts']);
  onlyFor('accept-host-key', 'reconcile', !!v['accept-host-key']);
  onlyFor('concurrency', 'reconcile', v.concurrency !== undefined);
  if (v.timeout !== undefined && !['reconcile', 'diagnose', 'fix'].includes(command)) throw new UsageError('--timeout applies to reconcile, diagnose and fix kvp only');
  onlyFor('machine', 'fix', v.machine !== undefined);
  onlyFor('apply-to', 'hosts', v['apply-to'] !== undefined);
  let chosen;
  try {
    chosen = providerArgs(v);
  } catch (err) {
    throw new UsageError(errorMessage(err));
  }
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
  };
}
