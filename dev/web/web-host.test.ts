// The browser host: same API over a WebSocket, reachable only on 127.0.0.1 with the token, the
// right Host and the right Origin; static files only from the renderer folder.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { makeFixture } from '../test-support/project-fixture.js';
import { startWebHost, type WebHost } from './web-host.js';

let host: WebHost;
let base: URL;
const rendererDir = mkdtempSync(path.join(os.tmpdir(), 'rt-renderer-'));
mkdirSync(path.join(rendererDir, 'assets'));
writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>t</title>');
writeFileSync(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1)');

beforeAll(async () => {
  const f = makeFixture({ machines: ['web'], vms: [{ machine: 'web' }], scenario: { vms: [{ name: 'myproject-web-a1b2c3d4', id: '6f1c2d9e-0000-4000-8000-000000000001', adapters: [{ mac: '00155DDE3309', ipAddresses: ['172.18.185.163'] }] }] } });
  host = await startWebHost({ configs: [f.configPath], simulate: f.scenarioPath, port: 0, home: mkdtempSync(path.join(os.tmpdir(), 'rt-home-')), rendererDir });
  base = new URL(host.url);
});
afterAll(() => host.close());

function get(pathname: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    http.get(new URL(pathname, base), (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    }).on('error', reject);
  });
}

function connect(query: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${base.port}/api${query}`, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

function call(ws: WebSocket, id: number, method: string, args: unknown[]): Promise<{ id: number; result?: unknown; error?: string }> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      const m = JSON.parse(String(data));
      if (m.id === id) {
        ws.off('message', onMessage);
        resolve(m);
      }
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ id, method, args }));
  });
}

describe('browser host', () => {
  it('prints a 127.0.0.1 URL carrying a long random token', () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{48}$/);
  });

  it('serves the renderer with a strict Content-Security-Policy, and nothing outside it', async () => {
    const index = await get('/');
    expect(index.status).toBe(200);
    expect(index.headers['content-security-policy']).toMatch(/default-src 'self'.*script-src 'self'/);
    // The desktop app's own policy (no connection at all) is not this page's: it would block the WebSocket.
    expect(index.body).not.toMatch(/http-equiv="Content-Security-Policy"/i);
    expect((await get('/assets/app.js')).headers['content-type']).toBe('text/javascript');
    expect((await get('/../../etc/passwd')).status).toBe(404);
    expect((await get('/%2e%2e/%2e%2e/etc/passwd')).status).toBe(404);
  });

  it('answers API calls with the token, and validates their arguments', async () => {
    const ws = await connect(`?token=${base.searchParams.get('token')}`);
    const state = await call(ws, 1, 'getState', []);
    expect(state.result).toMatchObject({ host: { kind: 'browser', filePicker: false }, simulated: true });
    expect(await call(ws, 2, 'addProject', [7])).toEqual({ id: 2, error: 'Invalid arguments for addProject: /0 must be string.' });
    expect(await call(ws, 3, 'openExternal', ['javascript:alert(1)'])).toMatchObject({ error: expect.stringMatching(/Invalid arguments for openExternal/) });
    const summary = await call(ws, 4, 'reconcileNow', [null]);
    expect(summary.result).toMatchObject({ synced: 1 });
    ws.close();
  });

  it('refuses a missing or wrong token, another Host (DNS rebinding) and another Origin', async () => {
    const token = base.searchParams.get('token')!;
    await expect(connect('')).rejects.toThrow('HTTP 403');
    await expect(connect(`?token=${token.replace(/.$/, (c) => (c === '0' ? '1' : '0'))}`)).rejects.toThrow('HTTP 403');
    await expect(connect(`?token=${token}`, { Host: `evil.example:${base.port}` })).rejects.toThrow('HTTP 403');
    await expect(connect(`?token=${token}`, { Origin: 'https://evil.example' })).rejects.toThrow('HTTP 403');
    const ok = await connect(`?token=${token}`, { Origin: `http://127.0.0.1:${base.port}` });
    ok.close();
  });
});

describe('browser host start-up', () => {
  it('refuses a broken scenario at once, naming the file and field', async () => {
    const f = makeFixture({ machines: ['web'], scenario: { vms: [{ name: 'x', kvp: 'Maybe' as never }] } });
    await expect(startWebHost({ configs: [f.configPath], simulate: f.scenarioPath, port: 0, home: mkdtempSync(path.join(os.tmpdir(), 'rt-home-')), rendererDir })).rejects.toThrow(/scenario\.yaml:\d+:\d+: vms\[0\]\.kvp: must be one of/);
  });
});
