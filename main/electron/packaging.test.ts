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

  it('ships only product code: no tests, lab, benchmarks, test support or browser host', () => {
    expect(builder.files.filter((f: string) => !f.startsWith('!'))).toEqual(['dist/main/**', 'dist/contract/**', 'dist/renderer/**', 'dist/preload/**', 'package.json']);
    expect(builder.files).toContain('!**/*.test.js');
    const build = JSON.parse(readFileSync(new URL('tsconfig.build.json', root), 'utf8').replace(/^\/\/.*$/gm, ''));
    expect(build.include).toEqual(['main/**/*.ts', 'contract/**/*.ts']);
    expect(build.exclude).toContain('**/*.test.ts');
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
