// Where the window opens beside the tray icon, on every edge and display the taskbar can be on.
import { describe, expect, it } from 'vitest';
import { placeNearTray, taskbarEdge } from './window-placement.js';

const display = { x: 0, y: 0, width: 1920, height: 1080 };
const size = { width: 440, height: 640 };

describe('placeNearTray', () => {
  it('bottom taskbar (Windows default): above the tray icon, inside the work area', () => {
    const workArea = { x: 0, y: 0, width: 1920, height: 1040 };
    expect(taskbarEdge(display, workArea)).toBe('bottom');
    expect(placeNearTray({ x: 1500, y: 1045, width: 24, height: 30 }, size, display, workArea)).toEqual({ x: 1292, y: 392 });
  });
  it('is clamped to the screen edge when the tray is in the corner', () => {
    const workArea = { x: 0, y: 0, width: 1920, height: 1040 };
    expect(placeNearTray({ x: 1890, y: 1045, width: 24, height: 30 }, size, display, workArea).x).toBe(1920 - 440 - 8);
  });
  it('top taskbar: below it', () => {
    const workArea = { x: 0, y: 40, width: 1920, height: 1040 };
    expect(taskbarEdge(display, workArea)).toBe('top');
    expect(placeNearTray({ x: 1500, y: 5, width: 24, height: 30 }, size, display, workArea)).toEqual({ x: 1292, y: 48 });
  });
  it('left and right taskbars: beside them, level with the icon', () => {
    const left = { x: 60, y: 0, width: 1860, height: 1080 };
    expect(taskbarEdge(display, left)).toBe('left');
    expect(placeNearTray({ x: 10, y: 900, width: 40, height: 24 }, size, display, left)).toEqual({ x: 68, y: 432 });
    const right = { x: 0, y: 0, width: 1860, height: 1080 };
    expect(taskbarEdge(display, right)).toBe('right');
    expect(placeNearTray({ x: 1870, y: 500, width: 40, height: 24 }, size, display, right)).toEqual({ x: 1412, y: 192 });
  });
  it('a tray without bounds (some Linux desktops): bottom-right of the work area', () => {
    const workArea = { x: 0, y: 0, width: 1920, height: 1040 };
    expect(placeNearTray({ x: 0, y: 0, width: 0, height: 0 }, size, display, workArea)).toEqual({ x: 1472, y: 392 });
  });
  it('works on a second monitor left of the primary one', () => {
    const second = { x: -1280, y: 0, width: 1280, height: 1024 };
    const work = { x: -1280, y: 0, width: 1280, height: 984 };
    expect(placeNearTray({ x: -100, y: 990, width: 24, height: 30 }, size, second, work)).toEqual({ x: 1280 * -1 + 1280 - 440 - 8, y: 336 });
  });
});
