// Seed 000's ReconcileResult as a JSON schema, written from the seed's types
// (shared/seeds/000_*.txt: NetworkState, DiscoveryResult, ReconcileResult, StateDiff,
// HostsSyncResult and their validation rules): the seed's enums and required fields, extra
// fields allowed (the tray adds fields, it never changes the seed's). Tests check every
// `reconcile --json` they produce against it.

import { Ajv } from 'ajv';

const IPV4 = '^\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}$';
// "discoveredAt: ISO 8601 timestamp", as Date.prototype.toISOString writes it.
const ISO_8601 = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$';

const nullable = (schema: object) => ({ anyOf: [{ type: 'null' }, schema] });

const networkState = {
  type: 'object',
  required: ['ipv4', 'mac', 'discoveredAt', 'source'],
  properties: {
    ipv4: nullable({ type: 'string', pattern: IPV4 }),
    ipv6: { type: 'array', items: { type: 'string' } },
    // "12 hex chars, no delimiters (e.g., 00155DDE3309)"
    mac: nullable({ type: 'string', pattern: '^[0-9A-F]{12}$' }),
    adapterName: nullable({ type: 'string' }),
    discoveredAt: nullable({ type: 'string', pattern: ISO_8601 }),
    source: { enum: ['hyperv', 'arp', 'guest-file', 'guest-cmd'] },
    previousIpv4: nullable({ type: 'string', pattern: IPV4 }),
  },
};

const discoveryResult = {
  type: 'object',
  required: ['machineName', 'vmName', 'vmState', 'network', 'tier', 'warnings'],
  properties: {
    machineName: { type: 'string' },
    vmName: { type: 'string' },
    vmState: { type: 'string' },
    network: nullable(networkState),
    tier: { enum: ['kvp', 'arp', null] },
    warnings: { type: 'array', items: { type: 'string' } },
  },
  // "network: Discovered network state, or null if VM is not running".
  if: { properties: { vmState: { const: 'Running' } } },
  then: { properties: { network: { type: 'object' } } },
  else: { properties: { network: { type: 'null' } } },
};

const stateDiff = {
  type: 'object',
  required: ['machineName', 'field', 'oldValue', 'newValue'],
  properties: {
    machineName: { type: 'string' },
    field: { type: 'string' },
    oldValue: nullable({ type: 'string' }),
    newValue: nullable({ type: 'string' }),
  },
};

const hostsSyncResult = {
  type: 'object',
  required: ['machineName', 'success', 'skipped'],
  properties: {
    machineName: { type: 'string' },
    success: { type: 'boolean' },
    skipped: { type: 'boolean' },
    skipReason: { type: 'string' },
    error: { type: 'string' },
  },
};

export const reconcileResultSchema = {
  type: 'object',
  required: ['success', 'discoveries', 'diffs', 'hostsSyncResults', 'hostsBlock', 'warnings'],
  properties: {
    success: { type: 'boolean' },
    discoveries: { type: 'array', items: discoveryResult },
    diffs: { type: 'array', items: stateDiff },
    hostsSyncResults: { type: 'array', items: hostsSyncResult },
    hostsBlock: { type: 'string' },
    warnings: { type: 'array', items: { type: 'string' } },
  },
};

const validate = new Ajv({ allErrors: true, strict: false }).compile(reconcileResultSchema);

/** Where a document breaks seed 000's ReconcileResult, one line each; empty when it conforms. */
export function seed000Problems(result: unknown): string[] {
  return validate(result) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
}
