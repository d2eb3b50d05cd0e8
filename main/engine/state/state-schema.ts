// The parts of Ragnatramp's state.json (version 1) the tray relies on, plus seed 000's
// NetworkState. Unknown fields are allowed everywhere: they belong to the CLI and are kept.

export const IPV4_PATTERN = '^\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}$';
// Seed 000: "12 hex chars, no delimiters"; either case is read, the tray writes upper case.
export const MAC_PATTERN = '^[0-9A-Fa-f]{12}$';

const networkSchema = {
  type: 'object',
  required: ['ipv4', 'mac', 'discoveredAt', 'source'],
  properties: {
    ipv4: { type: ['string', 'null'], pattern: IPV4_PATTERN },
    ipv6: { type: 'array', items: { type: 'string' } },
    mac: { type: ['string', 'null'], pattern: MAC_PATTERN },
    adapterName: { type: ['string', 'null'] },
    discoveredAt: { type: ['string', 'null'] },
    source: { enum: ['hyperv', 'arp', 'guest-file', 'guest-cmd', 'lease', 'dns'] },
    previousIpv4: { type: ['string', 'null'], pattern: IPV4_PATTERN },
  },
} as const;

export const stateSchema = {
  type: 'object',
  required: ['version', 'project', 'vms'],
  properties: {
    version: { const: 1 },
    project: { type: 'string' },
    configPath: { type: 'string' },
    vms: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        required: ['id', 'name', 'machineName'],
        properties: {
          id: { type: 'string' },
          name: { type: 'string', minLength: 1 },
          machineName: { type: 'string', minLength: 1 },
          network: networkSchema,
        },
      },
    },
  },
} as const;
