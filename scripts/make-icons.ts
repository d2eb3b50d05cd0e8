// Draws the tray and application icons into assets/ (run: npx tsx scripts/make-icons.ts).
// Tray icons are a coloured disc inside a white ring inside a dark ring, so that each state
// stays visible on light and dark taskbars; @2x versions serve 150-200% scaling on macOS and
// Linux, multi-size .ico files every scaling on Windows. macOS's menu bar takes template images
// instead (`…Template.png`: black and alpha only, which macOS tints for a light or dark menu bar,
// Electron docs nativeImage "Template Image"), so each state there is a shape, not a colour.

import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

type RGBA = [number, number, number, number];

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
function png(size: number, pixel: (x: number, y: number) => RGBA): Buffer {
  const rows: Buffer[] = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 4);
    for (let x = 0; x < size; x++) {
      // 4x4 supersampling for smooth edges.
      const acc = [0, 0, 0, 0];
      for (let sy = 0; sy < 4; sy++) for (let sx = 0; sx < 4; sx++) {
        const p = pixel(x + (sx + 0.5) / 4, y + (sy + 0.5) / 4);
        acc[0]! += p[0] * p[3]; acc[1]! += p[1] * p[3]; acc[2]! += p[2] * p[3]; acc[3]! += p[3];
      }
      const a = acc[3]! / 16;
      row.set(a > 0 ? [acc[0]! / acc[3]!, acc[1]! / acc[3]!, acc[2]! / acc[3]!, a].map(Math.round) : [0, 0, 0, 0], 1 + x * 4);
    }
    rows.push(row);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}

const STATES: Record<string, RGBA> = { good: [26, 160, 70, 255], attention: [235, 140, 0, 255], error: [214, 40, 40, 255], working: [40, 100, 230, 255], idle: [140, 140, 140, 255] };

function trayIcon(size: number, fill: RGBA): Buffer {
  const c = size / 2;
  return png(size, (x, y) => {
    const d = Math.hypot(x - c, y - c) / c;
    if (d > 0.94) return [0, 0, 0, 0];
    if (d > 0.8) return [30, 30, 30, 255];
    if (d > 0.66) return [255, 255, 255, 255];
    return fill;
  });
}

// A menu-bar template image, 18 pt: a disc (good), a ring (attention), a ring crossed out
// (error), a half disc (working), a small dot (idle: nothing watched yet); black, the alpha
// carrying the shape.
function templateIcon(size: number, state: string): Buffer {
  const c = size / 2;
  return png(size, (x, y) => {
    const d = Math.hypot(x - c, y - c) / c;
    if (d > 0.9) return [0, 0, 0, 0];
    const ring = d > 0.66;
    const on = state === 'good' ? true : state === 'attention' ? ring : state === 'error' ? ring || Math.abs(x - y) < size * 0.09 : state === 'idle' ? d < 0.34 : ring || x < c;
    return on ? [0, 0, 0, 255] : [0, 0, 0, 0];
  });
}

// The application icon: three linked nodes (VMs that reach each other) on a blue tile.
function appIcon(size: number): Buffer {
  const s = size;
  const nodes = [[0.3, 0.35], [0.7, 0.35], [0.5, 0.72]].map(([x, y]) => [x! * s, y! * s] as const);
  const nearSegment = (px: number, py: number, [ax, ay]: readonly [number, number], [bx, by]: readonly [number, number]) => {
    const t = Math.max(0, Math.min(1, ((px - ax) * (bx - ax) + (py - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)));
    return Math.hypot(px - (ax + t * (bx - ax)), py - (ay + t * (by - ay)));
  };
  return png(size, (x, y) => {
    const r = s * 0.18;
    const dx = Math.max(Math.abs(x - s / 2) - (s / 2 - r), 0);
    const dy = Math.max(Math.abs(y - s / 2) - (s / 2 - r), 0);
    if (Math.hypot(dx, dy) > r) return [0, 0, 0, 0];
    if (nodes.some(([nx, ny]) => Math.hypot(x - nx, y - ny) < s * 0.1)) return [255, 255, 255, 255];
    const edges: Array<[number, number]> = [[0, 1], [1, 2], [2, 0]];
    if (edges.some(([a, b]) => nearSegment(x, y, nodes[a]!, nodes[b]!) < s * 0.025)) return [220, 232, 255, 255];
    const t = y / s;
    return [Math.round(36 + 20 * t), Math.round(88 + 30 * t), Math.round(214 - 40 * t), 255];
  });
}

function ico(images: Array<{ size: number; data: Buffer }>): Buffer {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(images.length, 4);
  let offset = 6 + 16 * images.length;
  const entries = images.map(({ size, data }) => {
    const e = Buffer.alloc(16);
    e.writeUInt8(size >= 256 ? 0 : size, 0);
    e.writeUInt8(size >= 256 ? 0 : size, 1);
    e.writeUInt16LE(1, 4);
    e.writeUInt16LE(32, 6);
    e.writeUInt32LE(data.length, 8);
    e.writeUInt32LE(offset, 12);
    offset += data.length;
    return e;
  });
  return Buffer.concat([header, ...entries, ...images.map((i) => i.data)]);
}

// Windows makes its tray icon from the one PNG bitmap it is given (blurry at 125-200 %), but
// from a multi-size .ico it picks the size the taskbar's scaling needs: 16 px at 100 %, 20 at
// 125 %, 24 at 150 %, 32 at 200 %, 40 at 250 %, 48 at 300 %.
export const TRAY_ICO_SIZES = [16, 20, 24, 32, 40, 48];

for (const [state, fill] of Object.entries(STATES)) {
  writeFileSync(`assets/tray-${state}.png`, trayIcon(16, fill));
  writeFileSync(`assets/tray-${state}@2x.png`, trayIcon(32, fill));
  writeFileSync(`assets/tray-${state}.ico`, ico(TRAY_ICO_SIZES.map((size) => ({ size, data: trayIcon(size, fill) }))));
  writeFileSync(`assets/tray-${state}Template.png`, templateIcon(18, state));
  writeFileSync(`assets/tray-${state}Template@2x.png`, templateIcon(36, state));
}
writeFileSync('assets/icon.png', appIcon(512));
writeFileSync('assets/icon.ico', ico([16, 32, 48, 256].map((size) => ({ size, data: appIcon(size) }))));
