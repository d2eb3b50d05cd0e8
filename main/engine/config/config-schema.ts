// Ragnatramp's ragnatramp.yaml JSON schema (draft-07), plus seed 000's `ssh` block.
// The one deliberate difference: Ragnatramp caps `machines` at 3 when it *creates* VMs;
// the tray only reads projects, so it accepts any number.

import type { SSHConfig } from '../seed-types.js';

export const MACHINE_NAME_PATTERN = '^[a-zA-Z][a-zA-Z0-9-]{0,15}$';
export const PROJECT_NAME_PATTERN = '^[a-zA-Z][a-zA-Z0-9-]{0,31}$';

const sshSchema = {
  type: 'object',
  description: 'SSH credentials for guest execution',
  additionalProperties: false,
  required: ['user', 'private_key'],
  properties: {
    user: { type: 'string', minLength: 1, maxLength: 32 },
    private_key: { type: 'string', minLength: 1 },
  },
} as const;

export const configSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  additionalProperties: false,
  required: ['project', 'machines'],
  properties: {
    project: {
      type: 'object',
      additionalProperties: false,
      required: ['name'],
      properties: { name: { type: 'string', pattern: PROJECT_NAME_PATTERN } },
    },
    defaults: {
      type: 'object',
      additionalProperties: false,
      properties: {
        cpu: { type: 'integer', minimum: 1, maximum: 64 },
        memory: { type: 'integer', minimum: 512, maximum: 1048576 },
        base_image: { type: 'string' },
        disk_strategy: { enum: ['differencing', 'copy'] },
        ssh: sshSchema,
      },
    },
    machines: {
      type: 'array',
      minItems: 1,
      uniqueItems: true,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name'],
        properties: {
          name: { type: 'string', pattern: MACHINE_NAME_PATTERN },
          cpu: { type: 'integer', minimum: 1, maximum: 64 },
          memory: { type: 'integer', minimum: 512, maximum: 1048576 },
          base_image: { type: 'string' },
          ssh: sshSchema,
        },
      },
    },
    settings: {
      type: 'object',
      additionalProperties: false,
      properties: {
        artifact_path: { type: 'string' },
        auto_start: { type: 'boolean' },
      },
    },
  },
} as const;

/** Seed 000's `ssh` block, as written in ragnatramp.yaml. */
export type SshBlock = SSHConfig;

export interface MachineConfig {
  name: string;
  cpu?: number;
  memory?: number;
  base_image?: string;
  ssh?: SshBlock;
}

export interface RagnatrampConfig {
  project: { name: string };
  defaults?: {
    cpu?: number;
    memory?: number;
    base_image?: string;
    disk_strategy?: 'differencing' | 'copy';
    ssh?: SshBlock;
  };
  machines: MachineConfig[];
  settings?: { artifact_path?: string; auto_start?: boolean };
}
