// An in-process SSH server on 127.0.0.1 (ssh2's Server) for testing the ssh2 connector: real
// key exchange, host keys and public-key authentication; `exec` answered by a handler the test
// provides, so no command ever runs on this machine.

import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import ssh2, { type Connection, type ServerChannel } from 'ssh2';

const { Server, utils } = ssh2;

export interface ExecHandler {
  (command: string, stdin: Buffer): { code: number; stdout?: string | Buffer; stderr?: string } | 'hang';
}

export interface TestServer {
  port: number;
  clientKeyPath: string;
  /** Public key blob of the current host key (what the client pins). */
  hostKeyBlob: Buffer;
  connections: number;
  /** End every open connection, as a guest reboot would, and keep listening. */
  dropConnections(): void;
  /** Swap the host key, as a rebuilt VM would. */
  rotateHostKey(): void;
  close(): Promise<void>;
}

export function newEd25519(): { private: string; public: string } {
  // ssh2's generator drops a leading zero byte of the key about 3 times in 1000, and its own
  // parser then rejects the pair: draw again until it parses.
  for (;;) {
    const pair = utils.generateKeyPairSync('ed25519');
    if (!(utils.parseKey(pair.public) instanceof Error) && !(utils.parseKey(pair.private) instanceof Error)) return pair;
  }
}

export async function startTestServer(handler: ExecHandler, options: { acceptKey?: boolean; hosts?: string[] } = {}): Promise<TestServer> {
  const hosts = options.hosts ?? ['127.0.0.1'];
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rt-ssh-'));
  const client = newEd25519();
  const clientKeyPath = path.join(dir, 'id_ed25519');
  writeFileSync(clientKeyPath, client.private, { mode: 0o600 });
  const allowed = utils.parseKey(client.public);
  if (allowed instanceof Error) throw allowed;
  let hostKey = newEd25519().private;
  const live = new Set<Connection>();

  const makeServer = () =>
    new Server({ hostKeys: [hostKey] }, (conn: Connection) => {
      live.add(conn);
      state.connections++;
      conn.on('close', () => live.delete(conn));
      conn.on('error', () => undefined);
      conn.on('authentication', (ctx) => {
        if (ctx.method !== 'publickey' || options.acceptKey === false) return ctx.reject(['publickey']);
        const same = ctx.key.algo === allowed.type && ctx.key.data.equals(allowed.getPublicSSH());
        if (!same) return ctx.reject(['publickey']);
        if (ctx.signature && ctx.blob && allowed.verify(ctx.blob, ctx.signature, ctx.hashAlgo) !== true) return ctx.reject(['publickey']);
        ctx.accept();
      });
      conn.on('ready', () => {
        conn.on('session', (accept) => {
          const session = accept();
          session.on('exec', (acceptExec, _reject, info) => {
            const channel: ServerChannel = acceptExec();
            const chunks: Buffer[] = [];
            channel.on('data', (d: Buffer) => chunks.push(d));
            channel.on('end', () => {
              const answer = handler(info.command, Buffer.concat(chunks));
              if (answer === 'hang') return;
              if (answer.stdout) channel.write(answer.stdout);
              if (answer.stderr) channel.stderr.write(answer.stderr);
              channel.exit(answer.code);
              channel.end();
            });
          });
        });
      });
    });

  // One server per loopback address, all on one port: the same "VM" reachable at several IPs.
  let servers = [makeServer()];
  await new Promise<void>((r) => servers[0]!.listen(0, hosts[0], r));
  const port = (servers[0]!.address() as AddressInfo).port;
  const listenRest = async () => {
    for (const host of hosts.slice(1)) {
      const extra = makeServer();
      await new Promise<void>((r) => extra.listen(port, host, r));
      servers.push(extra);
    }
  };
  await listenRest();
  const blobOf = (key: string) => {
    const parsed = utils.parseKey(key);
    if (parsed instanceof Error) throw parsed;
    return parsed.getPublicSSH();
  };
  const closeServer = async () => {
    for (const c of live) c.end();
    await Promise.all(servers.map((srv) => new Promise<void>((r) => srv.close(() => r()))));
  };
  const state: TestServer = {
    port,
    clientKeyPath,
    hostKeyBlob: blobOf(hostKey),
    connections: 0,
    dropConnections() {
      for (const c of live) c.end();
    },
    rotateHostKey() {
      hostKey = newEd25519().private;
      state.hostKeyBlob = blobOf(hostKey);
      void closeServer().then(async () => {
        servers = [makeServer()];
        await new Promise<void>((r) => servers[0]!.listen(port, hosts[0], r));
        await listenRest();
      });
    },
    close: closeServer,
  };
  return state;
}
