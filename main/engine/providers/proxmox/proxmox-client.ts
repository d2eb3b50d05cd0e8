// The Proxmox VE API over HTTPS, with the cluster's certificate pinned on first use (a cluster's
// certificate is signed by its own CA, which no system trusts). Each request first completes a
// TLS handshake and checks the certificate against the pins, and only then sends a byte of HTTP
// over that socket: the API token never reaches a server whose certificate was not checked.
// Node certificates renew (pveupdate, pve-manager bin/pveupdate:82-87 for ACME, :137-145 for the
// node's own), and each node has its own (pve-cluster src/PVE/Cluster/Setup.pm:493, signed with
// the cluster CA at :559): so beside the leaf, the cluster CA is pinned (learned once, from
// /nodes/localhost/certificates/info, after the leaf was pinned), and a new leaf that CA signs is
// accepted and pinned in turn. An ACME leaf (a new key each renewal, pve-manager
// PVE/API2/ACME.pm:114) is accepted when the system's own CAs vouch for it and the host name.
// Anything else stops with what to check. Checked connections are kept for the next requests of
// a pass, so a pass pays a few handshakes, not one per guest. Every request has an overall
// deadline and a cap on the answer's size: a broken or hostile server can neither hold a pass
// nor fill the memory. The token goes in the documented header,
// `Authorization: PVEAPIToken=USER@REALM!TOKENID=SECRET`.

import { X509Certificate } from 'node:crypto';
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
  // URL drops a scheme's default port (https://h:443 reads as port ''), so the port is read as written.
  const port = Number(/^https:\/\/(?:\[[^\]]*\]|[^:/?#]*)(?::(\d+))?/i.exec(url)?.[1] ?? 8006);
  return { host: u.hostname.replace(/^\[|\]$/g, ''), port, url: `https://${u.host}${u.port === '' && port !== 8006 ? `:${port}` : ''}` };
}

export interface ProxmoxClientOptions {
  endpoint: ProxmoxEndpoint;
  token: string;
  pins: FileHostKeyStore;
  /** Overall deadline of one request, connection and whole answer included. */
  timeoutMs?: number;
  /** Connections kept open at once: as many requests run side by side. */
  maxSockets?: number;
  /** The largest answer read; a bigger one is cut off and the request fails. */
  maxBytes?: number;
  /** The certificate was pinned on first use (its SHA-256 fingerprint). */
  onFirstUse?: (fingerprint: string) => void;
  /** A changed certificate was accepted (why: the pinned cluster CA signs it, or the system's CAs do). */
  onRenewed?: (fingerprint: string, why: string) => void;
}

/** A request that had no full answer within its deadline (the cluster, or the node it was proxied to, is slow or hung). */
export class ProxmoxDeadlineError extends HypervisorError {}

export class ProxmoxApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

// A kept connection idles this long, then closes: well within a pass, and before pveproxy would
// close it (5 s idle, pve-http-server src/PVE/APIServer/AnyEvent.pm:2109).
const IDLE_MS = 2_000;
/** A large cluster's /cluster/resources is well under a MiB (a few hundred bytes a guest). */
export const MAX_ANSWER_BYTES = 8 * 1024 * 1024;

export class ProxmoxClient {
  private readonly agent: http.Agent;
  private caLearned = false;

  constructor(private readonly o: ProxmoxClientOptions) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets: o.maxSockets ?? 4, timeout: IDLE_MS });
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

  /** The pinned cluster CA's entry. */
  get caAlias(): string {
    return `tls-ca:${this.o.endpoint.host}:${this.o.endpoint.port}`;
  }

  private get timeoutMs(): number {
    return this.o.timeoutMs ?? 15_000;
  }

  /**
   * GET /api2/json<path>; resolves with the parsed body, rejects with ProxmoxApiError for a non-2xx
   * answer and ProxmoxDeadlineError when no full answer came within the deadline (`timeoutMs`, by
   * default the client's).
   */
  get(path: string, timeoutMs = this.timeoutMs): Promise<unknown> {
    return this.call('GET', path, timeoutMs);
  }

  /** POST /api2/json<path> with no parameters (a guest's status/start); the same checks as get. */
  post(path: string, timeoutMs = this.timeoutMs): Promise<unknown> {
    return this.call('POST', path, timeoutMs);
  }

  private async call(method: 'GET' | 'POST', path: string, timeoutMs: number): Promise<unknown> {
    const body = await this.request(path, timeoutMs, method)
      .catch((err: NodeJS.ErrnoException & { reused?: boolean }) => {
        // A kept connection the server closed as it was reused: Node's documented remedy is to try
        // again, on a new connection (https://nodejs.org/api/http.html#requestreusedsocket). The
        // server read nothing of the request then, so a POST is not sent twice.
        if (err.reused && (err.code === 'ECONNRESET' || err.code === 'EPIPE')) return this.request(path, timeoutMs, method);
        throw err;
      })
      .catch((err: Error & { deadline?: boolean }) => {
        if (err instanceof ProxmoxApiError || err instanceof HypervisorError) throw err;
        const hint = "Check that the address is the cluster's pveproxy (https, port 8006) and that the cluster is healthy (pvesh get /cluster/status).";
        if (err.deadline) throw new ProxmoxDeadlineError(`${this.o.endpoint.url} did not answer properly: ${err.message} (${path.split('?')[0]}).`, hint);
        throw new HypervisorError(`${this.o.endpoint.url} did not answer properly: ${err.message}.`, hint);
      });
    await this.learnCa();
    return body;
  }

  /** Closes the kept connections. */
  close(): void {
    this.agent.destroy();
  }

  private request(path: string, timeoutMs: number, method: 'GET' | 'POST' = 'GET'): Promise<unknown> {
    const limit = this.o.maxBytes ?? MAX_ANSWER_BYTES;
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          method,
          host: this.o.endpoint.host,
          port: this.o.endpoint.port,
          path: `/api2/json${path}`,
          headers: { Authorization: `PVEAPIToken=${this.o.token}`, Accept: 'application/json', ...(method === 'POST' ? { 'Content-Length': '0' } : {}) },
          agent: this.agent,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > limit) return req.destroy(new Error(`its answer to ${path.split('?')[0]} was larger than ${limit / 1024 / 1024} MiB`));
            chunks.push(c);
          });
          res.on('error', () => undefined); // the request's own 'error' says why
          res.on('end', () => {
            clearTimeout(deadline);
            const text = Buffer.concat(chunks).toString('utf8');
            let body: unknown = null;
            try {
              body = JSON.parse(text);
            } catch {
              // pveproxy answers some errors with an empty body (401, 595/596: AnyEvent.pm:1620-1647,
              // :855-876): the status line says why.
            }
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) return resolve(body);
            // `message` is in the body only since pve-http-server 9a2112e (Jan 2025,
            // Formatter/Standard.pm:36-39); before, and for 401 and 595/596, only the reason phrase.
            const said = (typeof body === 'object' && body !== null && typeof (body as { message?: unknown }).message === 'string' ? (body as { message: string }).message : res.statusMessage ?? '').trim();
            reject(new ProxmoxApiError(status, said || `HTTP ${status}`));
          });
        },
      );
      // One deadline for the whole request (a server that trickles bytes never trips an idle timeout).
      const deadline = setTimeout(() => req.destroy(Object.assign(new Error(`no full answer within ${timeoutMs / 1000} s`), { deadline: true })), timeoutMs);
      req.on('error', (err) => {
        clearTimeout(deadline);
        reject(Object.assign(err, { reused: req.reusedSocket }));
      });
      req.end();
    });
  }

  /**
   * Once the leaf is pinned, the cluster CA that signs it: the root CA every node's certificate
   * is issued by (/etc/pve/pve-root-ca.pem), as /nodes/{node}/certificates/info lists it (allowed
   * to every user, pve-manager PVE/API2/Certificates.pm:49-81; 'localhost' is the node answering,
   * PVE/HTTPServer.pm:184; `pem` and `filename` from pve-common src/PVE/Certificate.pm:313,326).
   * Pinned only if it really signs the pinned leaf; a cluster whose leaf is a custom or ACME one
   * keeps the leaf pin alone.
   */
  private async learnCa(): Promise<void> {
    if (this.caLearned) return;
    this.caLearned = true;
    const leaf = this.lastLeaf;
    if (!leaf || (await this.o.pins.pinned(this.caAlias))) return;
    let infos: unknown;
    try {
      infos = await this.request('/nodes/localhost/certificates/info', this.timeoutMs);
    } catch {
      return; // an older or odd cluster: the leaf pin stands alone
    }
    const list = Array.isArray((infos as { data?: unknown })?.data) ? ((infos as { data: unknown[] }).data as Array<{ filename?: unknown; pem?: unknown }>) : [];
    const pem = list.find((c) => c.filename === 'pve-root-ca.pem')?.pem;
    if (typeof pem !== 'string') return;
    let ca: X509Certificate;
    try {
      ca = new X509Certificate(pem);
    } catch {
      return;
    }
    if (!ca.ca || !signedBy(leaf, ca)) return;
    await this.o.pins.verify(this.caAlias, `${this.o.endpoint.host}:${this.o.endpoint.port}`, ca.raw);
  }

  private lastLeaf: X509Certificate | null = null;

  /** A TLS connection whose certificate matches the pins (pinned now if there was none). */
  private verifiedSocket(): Promise<tls.TLSSocket> {
    const { host, port, url } = this.o.endpoint;
    return new Promise((resolve, reject) => {
      // The chain is not what is trusted here, the pins are: checked below before any HTTP.
      const socket = tls.connect({ host, port, servername: net.isIP(host) ? undefined : host, rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] });
      socket.setTimeout(this.timeoutMs, () => socket.destroy(new Error(`no TLS handshake within ${this.timeoutMs / 1000} s`)));
      socket.once('error', (err) => reject(new HypervisorError(`${url} could not be reached (${err.message}).`, 'Check the address and that this computer can reach port 8006 of the cluster.')));
      socket.once('secureConnect', () => {
        const cert = socket.getPeerCertificate();
        if (!cert?.raw) {
          socket.destroy();
          return reject(new HypervisorError(`${url} showed no certificate.`, 'Check that the address is the cluster\'s pveproxy (https, port 8006).'));
        }
        this.check(cert.raw, socket.authorized).then(
          () => {
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

  private async check(raw: Buffer, publiclyTrusted: boolean): Promise<void> {
    const { host, port, url } = this.o.endpoint;
    const where = `${host}:${port}`;
    const leaf = new X509Certificate(raw);
    const verdict = await this.o.pins.verify(this.alias, where, raw);
    if (verdict.kind === 'first-use') this.o.onFirstUse?.(verdict.fingerprint);
    if (verdict.kind !== 'changed') {
      this.lastLeaf = leaf;
      return;
    }
    const ca = await this.o.pins.pinned(this.caAlias);
    const byCa = ca?.key ? signedBy(leaf, new X509Certificate(Buffer.from(ca.key, 'base64'))) : false;
    if (byCa || publiclyTrusted) {
      await this.o.pins.repin(this.alias, where, raw);
      this.lastLeaf = leaf;
      this.o.onRenewed?.(verdict.offered.fingerprint, byCa ? 'signed by the pinned cluster CA' : "trusted by this system's CAs for the host name");
      return;
    }
    throw new HypervisorError(
      `The TLS certificate of ${url} changed (pinned ${verdict.pinned.fingerprint} on ${verdict.pinned.firstSeen.slice(0, 10)}, now ${verdict.offered.fingerprint}, issued by "${leaf.issuer.replace(/\n/g, ', ')}") and ${ca ? 'the pinned cluster CA does not sign it' : 'no cluster CA is pinned to vouch for it'}: the API token was not sent.`,
      `Check on the node (pvenode cert info) that this fingerprint is its certificate; if it is (a new cluster CA, or a custom certificate), remove the entries "${this.alias}" and "${this.caAlias}" from ${this.o.pins.file}. Otherwise someone may be intercepting the connection.`,
    );
  }
}

/** The leaf names the CA as its issuer and carries the CA's signature, and is within its dates. */
function signedBy(leaf: X509Certificate, ca: X509Certificate): boolean {
  const now = Date.now();
  return leaf.checkIssued(ca) && leaf.verify(ca.publicKey) && Date.parse(leaf.validFrom) <= now && now <= Date.parse(leaf.validTo);
}
