// The Proxmox VE API over HTTPS, with the cluster's certificate pinned on first use (a cluster's
// certificate is usually signed by its own CA, which no system trusts). Each request first
// completes a TLS handshake, compares the certificate's SHA-256 with the pin (or pins it), and
// only then sends a byte of HTTP over that socket: the API token never reaches a server whose
// certificate was not checked. Checked connections are kept for the next requests of a pass (one
// per running guest, four at a time), so a pass pays a few handshakes, not one per guest. The
// token goes in the documented header, `Authorization: PVEAPIToken=USER@REALM!TOKENID=SECRET`.

import http from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import { HypervisorError } from '../../errors.js';
import type { FileHostKeyStore } from '../../ssh/known-hosts.js';

export interface ProxmoxEndpoint {
  host: string;
  port: number;
  /** The URL as the user gave it, for messages. */
  url: string;
}

/** `https://host[:port]`, port 8006 by default (pveproxy's). */
export function parseClusterUrl(url: string): ProxmoxEndpoint {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new HypervisorError(`'${url}' is not a URL.`, 'Give the cluster as https://host:8006.');
  }
  if (u.protocol !== 'https:' || u.username || u.password || (u.pathname !== '/' && u.pathname !== '')) throw new HypervisorError(`'${url}' is not a Proxmox VE address.`, 'Give the cluster as https://host:8006 (no path, no user in it: the API token is kept apart).');
  return { host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port || 8006), url: `https://${u.host}` };
}

export interface ProxmoxClientOptions {
  endpoint: ProxmoxEndpoint;
  token: string;
  pins: FileHostKeyStore;
  timeoutMs?: number;
  onFirstUse?: (fingerprint: string) => void;
}

export class ProxmoxApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

// A kept connection idles this long, then closes: well within a pass, and before pveproxy would
// close it under a request between passes.
const IDLE_MS = 2_000;

export class ProxmoxClient {
  private readonly agent: http.Agent;

  constructor(private readonly o: ProxmoxClientOptions) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets: 4, timeout: IDLE_MS });
    // Node's Agent takes a connection from a callback when createConnection returns none
    // (https://nodejs.org/api/http.html#agentcreateconnectionoptions-callback): every new one is
    // a checked one.
    this.agent.createConnection = (_options, done) => {
      this.verifiedSocket().then((socket) => done?.(null, socket), (err: Error) => done?.(err, undefined as unknown as Duplex));
      return undefined as unknown as Duplex;
    };
  }

  get alias(): string {
    return `tls:${this.o.endpoint.host}:${this.o.endpoint.port}`;
  }

  /** GET /api2/json<path>; resolves with the parsed body, rejects with ProxmoxApiError for a non-2xx answer. */
  async get(path: string): Promise<unknown> {
    return this.request(path).catch((err: NodeJS.ErrnoException & { reused?: boolean }) => {
      // A kept connection the server closed as it was reused: Node's documented remedy is to try
      // again, on a new connection (https://nodejs.org/api/http.html#requestreusedsocket).
      if (err.reused && (err.code === 'ECONNRESET' || err.code === 'EPIPE')) return this.request(path);
      throw err;
    });
  }

  /** Closes the kept connections. */
  close(): void {
    this.agent.destroy();
  }

  private request(path: string): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          method: 'GET',
          host: this.o.endpoint.host,
          port: this.o.endpoint.port,
          path: `/api2/json${path}`,
          headers: { Authorization: `PVEAPIToken=${this.o.token}`, Accept: 'application/json' },
          agent: this.agent,
          timeout: this.o.timeoutMs ?? 15_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let body: unknown = null;
            try {
              body = JSON.parse(text);
            } catch {
              // pveproxy answers some errors with an empty or HTML body: the status line says why.
            }
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) return resolve(body);
            const said = (typeof body === 'object' && body !== null && typeof (body as { message?: unknown }).message === 'string' ? (body as { message: string }).message : res.statusMessage ?? '').trim();
            reject(new ProxmoxApiError(status, said || `HTTP ${status}`));
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${(this.o.timeoutMs ?? 15_000) / 1000} s`)));
      req.on('error', (err) => reject(Object.assign(err, { reused: req.reusedSocket })));
      req.end();
    });
  }

  /** A TLS connection whose certificate matches the pin (pinned now if there was none). */
  private verifiedSocket(): Promise<tls.TLSSocket> {
    const { host, port, url } = this.o.endpoint;
    return new Promise((resolve, reject) => {
      // The chain is not what is trusted here, the pin is: checked below before any HTTP.
      const socket = tls.connect({ host, port, servername: net.isIP(host) ? undefined : host, rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] });
      socket.setTimeout(this.o.timeoutMs ?? 15_000, () => socket.destroy(new Error(`no TLS handshake within ${(this.o.timeoutMs ?? 15_000) / 1000} s`)));
      socket.once('error', (err) => reject(new HypervisorError(`${url} could not be reached (${err.message}).`, 'Check the address and that this computer can reach port 8006 of the cluster.')));
      socket.once('secureConnect', () => {
        const cert = socket.getPeerCertificate();
        if (!cert?.raw) {
          socket.destroy();
          return reject(new HypervisorError(`${url} showed no certificate.`, 'Check that the address is the cluster\'s pveproxy (https, port 8006).'));
        }
        this.o.pins.verify(this.alias, `${host}:${port}`, cert.raw).then(
          (verdict) => {
            if (verdict.kind === 'changed') {
              socket.destroy();
              return reject(new HypervisorError(`The TLS certificate of ${url} changed (pinned ${verdict.pinned.fingerprint} on ${verdict.pinned.firstSeen.slice(0, 10)}, now ${verdict.offered.fingerprint}): the API token was not sent.`, `If the cluster's certificate was renewed, remove the entry "${this.alias}" from ${this.o.pins.file}; otherwise someone may be intercepting the connection.`));
            }
            if (verdict.kind === 'first-use') this.o.onFirstUse?.(verdict.fingerprint);
            socket.setTimeout(0);
            socket.removeAllListeners('error');
            resolve(socket);
          },
          (err: Error) => {
            socket.destroy();
            reject(err);
          },
        );
      });
    });
  }
}
