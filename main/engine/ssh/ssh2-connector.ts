// The real SSH seam over ssh2: key authentication from the machine's resolved key file, host
// keys checked against the pin store before authentication, TCP_NODELAY on the socket (ssh2
// leaves Nagle on, which costs a round trip per handshake step), keepalives, and cancellation.

import { readFile } from 'node:fs/promises';
import net from 'node:net';
import { Client, type ClientChannel } from 'ssh2';
import { hostKeyChangedMessage, type HostKeyStore, type HostKeyVerdict } from './known-hosts.js';
import { SshError, type ExecResult, type SshConnector, type SshSession, type SshTarget } from './ssh-session.js';

export interface Ssh2ConnectorOptions {
  hostKeys: HostKeyStore;
  connectTimeoutMs?: number;
  /** Called when a key is pinned on first use, so callers can tell the user. */
  onFirstUse?: (target: SshTarget, fingerprint: string) => void;
}

export class Ssh2Connector implements SshConnector {
  constructor(private readonly options: Ssh2ConnectorOptions) {}

  async connect(target: SshTarget, signal: AbortSignal): Promise<SshSession> {
    const privateKey = await readKey(target);
    signal.throwIfAborted();
    return new Promise<SshSession>((resolve, reject) => {
      const client = new Client();
      let verdict: HostKeyVerdict | null = null;
      let settled = false;
      const fail = (err: Error) => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        client.destroy();
        reject(err);
      };
      const onAbort = () => fail(new SshError(`SSH to ${target.host} was cancelled (timeout)`, 'timeout'));
      signal.addEventListener('abort', onAbort, { once: true });

      const sock = net.connect({ host: target.host, port: target.port, noDelay: true });
      sock.on('error', () => undefined); // reported through the client's 'error' below
      client.on('ready', () => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        if (verdict?.kind === 'first-use') this.options.onFirstUse?.(target, verdict.fingerprint);
        resolve(new Ssh2Session(client));
      });
      client.on('error', (err: Error & { level?: string; code?: string }) => {
        if (verdict?.kind === 'changed') return fail(new SshError(hostKeyChangedMessage(target.machineName, verdict), 'host-key-changed'));
        fail(explainConnectError(err, target));
      });
      client.on('close', () => fail(new SshError(`the SSH connection to ${target.host} closed during the handshake`, 'protocol')));
      try {
        client.connect({
          sock,
          username: target.user,
          privateKey,
          readyTimeout: this.options.connectTimeoutMs ?? 10_000,
          keepaliveInterval: 15_000,
          keepaliveCountMax: 3,
          hostVerifier: (key: Buffer, verify: (ok: boolean) => void) => {
            this.options.hostKeys.verify(target.hostKeyAlias, target.host, key).then(
              (v) => {
                verdict = v;
                verify(v.kind !== 'changed');
              },
              (err: unknown) => {
                fail(err as Error);
                verify(false);
              },
            );
          },
        });
      } catch (err) {
        // ssh2 throws synchronously for keys it cannot parse (e.g. passphrase-protected ones).
        fail(new SshError(`cannot use private key ${target.privateKeyPath} for '${target.machineName}': ${(err as Error).message}. Use an unencrypted key made for the tray (ssh-keygen -t ed25519 -N "").`, 'key-file'));
      }
    });
  }
}

async function readKey(target: SshTarget): Promise<Buffer> {
  try {
    return await readFile(target.privateKeyPath);
  } catch (err) {
    throw new SshError(`cannot read private key ${target.privateKeyPath} for '${target.machineName}' (${(err as NodeJS.ErrnoException).code ?? String(err)}): check ssh.private_key in ragnatramp.yaml.`, 'key-file');
  }
}

function explainConnectError(err: Error & { level?: string; code?: string }, target: SshTarget): SshError {
  const where = `${target.host}:${target.port}`;
  if (err.level === 'client-authentication') {
    return new SshError(`the guest refused key ${target.privateKeyPath} for user '${target.user}': add its public key to ~${target.user}/.ssh/authorized_keys in the guest, or fix ssh.user / ssh.private_key.`, 'auth');
  }
  if (err.level === 'client-timeout') return new SshError(`SSH to ${where} did not complete its handshake in time: the guest may be hung or still booting.`, 'timeout');
  switch (err.code) {
    case 'ECONNREFUSED':
      return new SshError(`SSH port refused at ${where}: is sshd running in the guest?`, 'unreachable');
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ETIMEDOUT':
      return new SshError(`cannot reach ${where} (${err.code}): the guest may be off or its IP changed; reconcile again.`, 'unreachable');
    default:
      return new SshError(`SSH to ${where} failed: ${err.message}`, 'protocol');
  }
}

class Ssh2Session implements SshSession {
  private open = true;

  constructor(private readonly client: Client) {
    const gone = () => {
      this.open = false;
    };
    client.on('close', gone);
    client.on('end', gone);
    client.on('error', gone);
  }

  isOpen(): boolean {
    return this.open;
  }

  exec(command: string, stdin?: Buffer): Promise<ExecResult> {
    return new Promise((resolve, reject) => {
      const cannot = (why: string) => reject(new SshError(`cannot run a command over SSH: ${why}`, 'protocol'));
      if (!this.open) return cannot('the connection is closed');
      try {
        this.client.exec(command, (err: Error | undefined, stream: ClientChannel) => {
          if (err) return cannot(err.message);
          const out: Buffer[] = [];
          const errOut: Buffer[] = [];
          let code: number | null = null;
          let signal: string | null = null;
          stream.on('data', (d: Buffer) => out.push(d));
          stream.stderr.on('data', (d: Buffer) => errOut.push(d));
          stream.on('exit', (c: number | null, s?: string) => {
            code = c;
            signal = s ?? null;
          });
          stream.on('close', () => resolve({ code, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(errOut) }));
          stream.end(stdin);
        });
      } catch (err) {
        cannot((err as Error).message);
      }
    });
  }

  close(): void {
    this.open = false;
    this.client.end();
  }
}
