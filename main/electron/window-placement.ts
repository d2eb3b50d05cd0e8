// Where the compact window goes and how big it is: next to the tray icon, on the side away from
// the taskbar, inside the work area (a window larger than a small work area is shrunk to fit,
// so its title bar never ends up off-screen). Pure, so every layout is tested without a screen.

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

const MARGIN = 8;

export type TaskbarEdge = 'bottom' | 'top' | 'left' | 'right';

export function taskbarEdge(display: Rect, workArea: Rect): TaskbarEdge {
  if (workArea.y > display.y) return 'top';
  if (workArea.x > display.x) return 'left';
  if (workArea.width < display.width) return 'right';
  return 'bottom';
}

/** The window's size, kept as the user left it but never larger than the work area. */
export function fitToWorkArea(size: { width: number; height: number }, workArea: Rect, min = { width: 360, height: 320 }): { width: number; height: number } {
  const cap = (value: number, room: number, least: number) => Math.max(Math.min(value, room - 2 * MARGIN), Math.min(least, room));
  return { width: Math.round(cap(size.width, workArea.width, min.width)), height: Math.round(cap(size.height, workArea.height, min.height)) };
}

export function placeNearTray(tray: Rect, size: { width: number; height: number }, display: Rect, workArea: Rect): { x: number; y: number } {
  const clampX = (x: number) => Math.round(Math.min(Math.max(x, workArea.x + MARGIN), workArea.x + workArea.width - size.width - MARGIN));
  const clampY = (y: number) => Math.round(Math.min(Math.max(y, workArea.y + MARGIN), workArea.y + workArea.height - size.height - MARGIN));
  // Some Linux trays report no bounds: use the work area's bottom-right corner.
  if (tray.width === 0 && tray.height === 0) return { x: clampX(Infinity), y: clampY(Infinity) };
  const centerX = tray.x + tray.width / 2 - size.width / 2;
  const centerY = tray.y + tray.height / 2 - size.height / 2;
  switch (taskbarEdge(display, workArea)) {
    case 'top':
      return { x: clampX(centerX), y: clampY(workArea.y + MARGIN) };
    case 'left':
      return { x: clampX(workArea.x + MARGIN), y: clampY(centerY) };
    case 'right':
      return { x: clampX(workArea.x + workArea.width - size.width - MARGIN), y: clampY(centerY) };
    case 'bottom':
      return { x: clampX(centerX), y: clampY(workArea.y + workArea.height - size.height - MARGIN) };
  }
}
