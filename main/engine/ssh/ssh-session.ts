// The SSH seam: what hosts sync and guest diagnostics need from a connection, nothing more.
// The real implementation is ssh2 (ssh2-connector.ts); the simulator and tests plug in here.

export interface SshTarget {
  machineName: string;
  host: string;
  port: number;
  user: string;
  privateKeyPath: string;
  /** Stable identity of the VM for host-key pinning (its id survives IP changes). */
  hostKeyAlias: string;
}

export interface ExecResult {
  code: number | null;
  signal: string | null;
  stdout: Buffer;
  stderr: Buffer;
}

export interface SshSession {
  exec(command: string, stdin?: Buffer): Promise<ExecResult>;
  close(): void;
  /** False once the connection is known to be gone; a pool drops such sessions. */
  isOpen(): boolean;
}

export interface SshConnector {
  connect(target: SshTarget, signal: AbortSignal): Promise<SshSession>;
}

/** A failure the user can act on; `message` says what happened and what to do. */
export class SshError extends Error {
  constructor(
    message: string,
    readonly kind: 'unreachable' | 'auth' | 'host-key-changed' | 'key-file' | 'timeout' | 'protocol',
  ) {
    super(message);
    this.name = 'SshError';
  }
}

/** The alias a VM's host key is pinned under: its hypervisor id when known (it survives renames). */
export function hostKeyAlias(project: string, machineName: string, hypervisorId: string | null): string {
  return hypervisorId ? `vm:${hypervisorId}` : `project:${project}/${machineName}`;
}
