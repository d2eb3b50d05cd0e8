// Break 1: the browser host must survive whatever a web page (no token) or a client holding
// the token sends: a malformed URL, a JSON value that is not a call, an oversized message, a
// frame with invalid UTF-8. It runs as its own process here, as it does for the user, so a
// crash is a dead process and not just a test failure.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { makeFixture } from '../../dev/test-support/project-fixture.js';

let child: ChildProcess;
let base: URL;
let stderr = '';

beforeAll(async () => {
  const f = makeFixture({ machines: ['web'], vms: [{ machine: 'web' }], scenario: { vms: [{ name: 'myproject-web-a1b2c3d4', id: '6f1c2d9e-0000-4000-8000-000000000001', adapters: [{ mac: '00155DDE3309', ipAddresses: ['172.18.185.163'] }] }] } });
  const home = mkdtempSync(path.join(os.tmpdir(), 'rt-attack-home-'));
  child = spawn(process.execPath, ['--import', 'tsx', 'dev/web/web-host.ts', '--config', f.configPath, '--simulate', f.scenarioPath], { env: { ...process.env, RAGNATRAMP_TRAY_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr!.on('data', (d) => (stderr += d));
  base = new URL(
    await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (d) => {
        out += d;
        if (out.includes('\n')) resolve(out.split('\n')[0]!);
      });
      child.once('exit', (code) => reject(new Error(`the host exited (${code}) before printing its URL: ${stderr}`)));
    }),
  );
}, 30_000);

afterAll(() => {
  child.kill();
});

const alive = () => child.exitCode === null && child.signalCode === null;

function get(pathname: string): Promise<number> {
  return new Promise((resolve, reject) => {
    // A raw path: URL() would normalize the malformed escape away before it reached the host.
    http.get({ host: '127.0.0.1', port: base.port, path: pathname }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    }).on('error', reject);
  });
}

function connect(): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${base.port}/api?token=${base.searchParams.get('token')}`);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/** Sends raw data and waits for the host to close the socket (or for it to die). */
function sendAndWaitForClose(data: string | Buffer, binary = false): Promise<number> {
  return connect().then(
    (ws) =>
      new Promise((resolve) => {
        ws.on('error', () => undefined); // the host may reset the connection: that is allowed
        ws.once('close', (code) => resolve(code));
        ws.send(data, { binary });
      }),
  );
}

async function stillServes(): Promise<void> {
  await new Promise((r) => setTimeout(r, 200));
  expect(alive(), `the host process died: ${stderr}`).toBe(true);
  const ws = await connect();
  const answer = await new Promise<{ id: number; result?: { health: string } }>((resolve) => {
    ws.once('message', (d) => resolve(JSON.parse(String(d))));
    ws.send(JSON.stringify({ id: 7, method: 'getSettings', args: [] }));
  });
  expect(answer.id).toBe(7);
  ws.close();
}

describe('the browser host survives hostile requests', () => {
  it('answers a malformed percent-escape with 400, without the token', async () => {
    expect(await get('/%E0%A4%A')).toBe(400);
    expect(await get('/assets/%E0%A4%A.js')).toBe(400);
    await stillServes();
  });

  it('closes a socket that sends a JSON value that is not a call', async () => {
    for (const text of ['null', '[]', '42', '"x"', '{"id":"1"}', '{"id":1.5,"method":"getState"}']) {
      expect(await sendAndWaitForClose(text)).toBe(1008);
    }
    await stillServes();
  });

  it('closes a socket that sends a 2 MiB message', async () => {
    expect(await sendAndWaitForClose('x'.repeat(2 * 1024 * 1024))).toBe(1009);
    await stillServes();
  });

  it('closes a socket that sends a text frame with invalid UTF-8', async () => {
    const ws = await connect();
    const code = await new Promise<number>((resolve) => {
      ws.on('error', () => undefined);
      ws.once('close', (c) => resolve(c));
      // ws validates text frames it sends too; a raw frame gets past that: FIN + text, unmasked
      // length 2, masked with a zero key (clients must mask), payload ff fe.
      (ws as unknown as { _socket: import('node:net').Socket })._socket.write(Buffer.from([0x81, 0x82, 0, 0, 0, 0, 0xff, 0xfe]));
    });
    expect(code).toBe(1007);
    await stillServes();
  });
});
