// The browser host: the same renderer and the same typed API as the desktop app, served to a
// browser on this machine. HTTP serves the built renderer; a WebSocket carries the API calls and
// events to the same AppController and engine worker. Bound to 127.0.0.1 only; every API
// connection must present the random token printed in the URL (and the right Host and Origin,
// so that no other web page can reach it through DNS rebinding).

import { FileCredentialStore } from '../../main/app/credential-store.js';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Conf from 'conf';
import { WebSocketServer, type WebSocket } from 'ws';
import { CHANNELS } from '../../contract/api.js';
import { errorMessage } from '../../main/engine/errors.js';
import { VERSION } from '../../main/engine/version.js';
import { AppController } from '../../main/app/app-controller.js';
import { dispatchCall } from '../../main/app/dispatch-call.js';
import { openSettings, SETTINGS_SCHEMA } from '../../main/app/settings.js';
import { defaultTrayHome } from '../../main/engine/ssh/known-hosts.js';
import { loadManifest } from '../../main/engine/providers/linux/manifest.js';
import { ScenarioFile } from '../../main/engine/simulator/scenario-source.js';
import { PROVIDER_ARGS, providerArgs } from '../../main/engine/providers/provider-args.js';
import { WorkerClient } from '../../main/worker/worker-client.js';

// The built renderer sits in <repo>/dist/renderer, whether this file runs from dev/web (source)
// or from dist/dev/web (compiled).
const RENDERER_DIR = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? '../../dist/renderer/' : '../../renderer/', import.meta.url));
const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.woff2': 'font/woff2' };

export interface WebHostOptions {
  configs: string[];
  simulate?: string;
  provider?: string;
  manifest?: string;
  quickemu?: string;
  libvirt?: string;
  proxmox?: string;
  proxmoxToken?: string;
  port: number;
  home: string;
  rendererDir?: string;
}

export interface WebHost {
  url: string;
  close(): Promise<void>;
  controller: AppController;
}

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  // A broken scenario or manifest stops the host here, with its message, rather than later as
  // a notice in a window nobody has opened yet.
  if (options.simulate) await new ScenarioFile(path.resolve(options.simulate)).current();
  if (options.manifest) await loadManifest(path.resolve(options.manifest));
  const settingsFile = path.join(options.home, 'web-settings.json');
  const settings = openSettings(settingsFile, () => new Conf<Record<string, unknown>>({ cwd: options.home, configName: 'web-settings', schema: SETTINGS_SCHEMA, projectName: 'ragnatramp-tray' }));
  const extra = options.configs.map((c) => path.resolve(c)).filter((c) => !settings.get().projects.includes(c));
  if (extra.length > 0) settings.set({ ...settings.get(), projects: [...settings.get().projects, ...extra] });

  const worker = new WorkerClient({ simulate: options.simulate && path.resolve(options.simulate), provider: options.provider, manifest: options.manifest && path.resolve(options.manifest), quickemu: options.quickemu && path.resolve(options.quickemu), libvirt: options.libvirt, proxmox: options.proxmox, proxmoxToken: options.proxmoxToken && path.resolve(options.proxmoxToken), knownHostsFile: path.join(options.home, options.simulate ? 'known_hosts.simulated.json' : 'known_hosts.json'), logDir: options.home });
  const controller = new AppController(settings, worker, { kind: 'browser', platform: process.platform, credentials: new FileCredentialStore(options.home) }, { simulated: !!options.simulate, home: options.home, version: VERSION });
  const token = randomBytes(24).toString('hex');
  const rendererDir = options.rendererDir ?? RENDERER_DIR;

  const server = http.createServer((req, res) => {
    serveStatic(rendererDir, req, res).catch((err: unknown) => {
      // Nothing a request carries may end the host: answer, or drop the connection.
      log(`web: request ${JSON.stringify((req.url ?? '').slice(0, 200))} failed: ${errorMessage(err)}`);
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Internal error\n');
      else res.destroy();
    });
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  const clients = new Set<WebSocket>();
  let port = 0;
  const allowedHosts = () => [`127.0.0.1:${port}`, `localhost:${port}`];

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const host = req.headers.host ?? '';
    const origin = req.headers.origin;
    const given = Buffer.from(url.searchParams.get('token') ?? '');
    const ok = url.pathname === '/api' && allowedHosts().includes(host) && (!origin || allowedHosts().some((h) => origin === `http://${h}`)) && given.length === token.length && timingSafeEqual(given, Buffer.from(token));
    if (!ok) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws));
  });

  wss.on('connection', (ws) => {
    clients.add(ws);
    ws.on('close', () => clients.delete(ws));
    // ws reports an oversized frame, invalid UTF-8 or a protocol error as 'error' (then closes
    // the socket itself); with no listener that event would end the process.
    ws.on('error', (err) => log(`web: a WebSocket client was disconnected: ${err.message}`));
    ws.on('message', (data, isBinary) => {
      const call = isBinary ? null : parseCall(String(data));
      if (call === null) return ws.close(1008, 'expected {"id": <integer>, "method": <string>, "args": [...]}');
      const { id } = call;
      dispatchCall(controller.api, call.method, call.args).then(
        (result) => ws.send(JSON.stringify({ id, result: result ?? null })),
        (err: unknown) => ws.send(JSON.stringify({ id, error: errorMessage(err) })),
      );
    });
  });

  controller.on('event', (event) => {
    const text = JSON.stringify({ channel: CHANNELS.event, event });
    for (const ws of clients) ws.send(text);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  port = (server.address() as { port: number }).port;
  controller.start();
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    controller,
    async close() {
      controller.stop();
      for (const ws of clients) ws.terminate();
      await new Promise<void>((r) => server.close(() => r()));
      await worker.dispose();
    },
  };
}

interface Call {
  id: number;
  method: unknown;
  args: unknown;
}

/** A call's envelope, or null when the text is not one; the contract checks method and args. */
export function parseCall(text: string): Call | null {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof message !== 'object' || message === null || Array.isArray(message)) return null;
  const { id, method, args } = message as Record<string, unknown>;
  return Number.isSafeInteger(id) ? { id: id as number, method, args } : null;
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

async function serveStatic(root: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  if (req.method !== 'GET') {
    res.writeHead(405, { Allow: 'GET' }).end();
    return;
  }
  let rel: string;
  try {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    rel = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname).replace(/^\/+/, '');
  } catch {
    res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Bad request\n');
    return;
  }
  const file = path.resolve(root, rel);
  if (!file.startsWith(path.resolve(root) + path.sep) || rel.includes('\0')) {
    res.writeHead(404).end();
    return;
  }
  try {
    let body = await readFile(file);
    // The page's own policy is the desktop app's (connect-src 'none': it talks over IPC); here
    // the header below is the policy, with the WebSocket this host serves.
    if (rel === 'index.html') body = Buffer.from(body.toString('utf8').replace(/<meta http-equiv="Content-Security-Policy"[^>]*>\s*/i, ''));
    res.writeHead(200, {
      'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      'Content-Security-Policy': "default-src 'self'; connect-src 'self' ws://127.0.0.1:* ws://localhost:*; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'",
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
    });
    res.end(body);
  } catch {
    const missing = rel === 'index.html';
    res.writeHead(missing ? 500 : 404, { 'Content-Type': 'text/plain; charset=utf-8' }).end(missing ? `The renderer is not built: run npm run build:renderer (looked in ${root}).\n` : 'Not found\n');
  }
}

async function main(argv: string[]): Promise<void> {
  const { values: v } = parseArgs({
    args: argv,
    options: { config: { type: 'string', multiple: true }, ...PROVIDER_ARGS, port: { type: 'string' } },
  });
  const port = v.port === undefined ? 0 : Number(v.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number (got '${v.port}')`);
  const host = await startWebHost({ configs: v.config ?? [], ...providerArgs(v), port, home: defaultTrayHome() });
  process.stdout.write(`${host.url}\n`);
  process.stderr.write('Ragnatramp Tray is serving on 127.0.0.1 only; open the URL above. Ctrl+C stops it.\n');
  // A last guard for a long-running server: a stray rejection is logged, never fatal.
  process.on('unhandledRejection', (err) => log(`web: unexpected error (the host keeps running; please report it): ${errorMessage(err)}`));
  const stop = () => void host.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  main(process.argv.slice(2)).catch((err: Error) => {
    process.stderr.write(`web: ${err.message}\n`);
    process.exit(2);
  });
}
