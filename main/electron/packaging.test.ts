// The packaging configuration as data: what the installer does and what the app ships.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = new URL('../../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));
const builder = parse(readFileSync(new URL('electron-builder.yml', root), 'utf8'));
const electronPkg = JSON.parse(readFileSync(new URL('node_modules/electron/package.json', root), 'utf8'));

describe('packaging', () => {
  it("asks for the Node that Electron's own package asks for", () => {
    expect(pkg.engines.node).toBe(electronPkg.engines.node.replace(/\s+/g, ''));
  });

  it('names an author with an e-mail (the deb target refuses to build without a maintainer)', () => {
    expect(pkg.author).toMatchObject({ name: expect.any(String), email: expect.stringMatching(/@/) });
  });

  it('ships no tests, lab, benchmarks, test support or browser host', () => {
    for (const pattern of ['!dist/**/*.test.js', '!dist/test/**', '!dist/main/lab/**', '!dist/main/bench/**', '!dist/main/test-support/**', '!dist/main/web/**']) {
      expect(builder.files).toContain(pattern);
    }
  });

  it('copies no library the renderer bundle already holds into node_modules', () => {
    for (const bundled of ['react', 'react-dom', 'zustand']) expect(pkg.dependencies).not.toHaveProperty(bundled);
  });

  it('installs per user in one click, without the all-users page', () => {
    expect(builder.nsis).toMatchObject({ oneClick: true, perMachine: false });
  });

  it('ships the Windows tray icons', () => {
    expect(builder.extraResources[0].filter).toContain('tray-*.ico');
  });
});
