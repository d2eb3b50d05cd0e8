// The packaging configuration as data, checked against what electron-builder 26.17.0 and
// Electron do with it: what the app ships and how (asar, what stays unpacked for the engine's
// worker, no native rebuild), the fuses, the portable's unpack folder, and what the NSIS include
// script does at install and uninstall (the macros electron-builder's templates call, the
// registry values Electron writes, the CLI on the user's PATH).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CLI_FLAG, QUIT_FLAG } from './app-cli.js';
import { APP_ID, PRODUCT_NAME, TOAST_ACTIVATOR_CLSID } from './windows-identity.js';

const root = new URL('../../', import.meta.url);
const rootDir = path.resolve(new URL('.', root).pathname);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));
const builder = parse(readFileSync(new URL('electron-builder.yml', root), 'utf8'));
const electronPkg = JSON.parse(readFileSync(new URL('node_modules/electron/package.json', root), 'utf8'));
const require = createRequire(import.meta.url);
const templates = path.join(path.dirname(require.resolve('app-builder-lib/package.json')), 'templates', 'nsis');
const include = readFileSync(new URL('assets/installer.nsh', root), 'utf8');

/** The files (repo-relative) and packages the engine worker loads, following relative imports from its entry. */
function workerGraph(): { files: string[]; packages: string[] } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const text = readFileSync(path.join(rootDir, file), 'utf8');
    for (const [, spec] of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'([^']+)'|import\('([^']+)'\)/g)) {
      if (!spec) continue;
      if (spec.startsWith('.')) visit(path.relative(rootDir, path.resolve(path.dirname(path.join(rootDir, file)), spec.replace(/\.js$/, '.ts'))));
      else if (!spec.startsWith('node:')) packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
    }
  };
  visit('main/worker/engine-worker.ts');
  return { files: [...files], packages: [...packages] };
}

/** Debian's makensis (package nsis): electron-builder brings its own NSIS 3 with the same language. */
const makensis = ['/usr/bin/makensis', '/usr/local/bin/makensis'].find((p) => existsSync(p));
if (!makensis && process.env.CI) throw new Error('makensis is missing: .ci/run installs the nsis package.');

/**
 * A script that includes, as electron-builder does, our include script ahead of electron-builder's
 * own allowOnlyOneInstallerInstance.nsh and inserts the macros where its templates do; the flag
 * macro isUpdated is written as NsisScriptGenerator.flags writes it, without the StdUtils plugin.
 */
function harness(dir: string): string {
  const file = path.join(dir, 'harness.nsi');
  writeFileSync(
    file,
    [
      'Unicode true',
      'Name "harness"',
      `OutFile "${path.join(dir, 'harness.exe')}"`,
      'RequestExecutionLevel user',
      `!define APP_ID "${builder.appId}"`,
      `!define APP_EXECUTABLE_FILENAME "${builder.productName}.exe"`,
      `!define PRODUCT_NAME "${builder.productName}"`,
      `!addincludedir "${path.join(templates, 'include')}"`,
      '!include "LogicLib.nsh"',
      '!macro _isUpdated _a _b _t _f',
      '  StrCmp "0" "1" `${_t}` `${_f}`',
      '!macroend',
      '!define isUpdated `"" isUpdated ""`',
      `!include "${path.join(rootDir, builder.nsis.include)}"`,
      '!include "allowOnlyOneInstallerInstance.nsh"',
      '!ifdef BUILD_UNINSTALLER',
      'Function un.checkAppRunning',
      '  !insertmacro CHECK_APP_RUNNING',
      'FunctionEnd',
      'Section "un.Uninstall"',
      '  !insertmacro customUnInstall',
      'SectionEnd',
      'Section',
      `  WriteUninstaller "${path.join(dir, 'uninstall.exe')}"`,
      'SectionEnd',
      '!else',
      'Section',
      '  !insertmacro CHECK_APP_RUNNING',
      '  !insertmacro customInstall',
      'SectionEnd',
      '!endif',
    ].join('\n'),
  );
  return file;
}

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

  it("passes electron-builder's own validation of its configuration", async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js');
    const { DebugLogger } = require('builder-util');
    await expect(validateConfiguration(structuredClone(builder), new DebugLogger(false))).resolves.toBeUndefined();
    await expect(validateConfiguration({ ...structuredClone(builder), nsis: { ...builder.nsis, unknownOption: 1 } }, new DebugLogger(false))).rejects.toThrow(/configuration\.nsis/);
  });

  it('installs per user in one click, without the all-users page', () => {
    expect(builder.nsis).toMatchObject({ oneClick: true, perMachine: false });
  });

  it('ships the Windows tray icons', () => {
    expect(builder.extraResources[0].filter).toContain('tray-*.ico');
  });

  it('is one asar archive, with every module and package the engine worker loads unpacked beside it', () => {
    expect(builder.asar).toBe(true);
    const unpacked = (p: string) => (builder.asarUnpack as string[]).some((glob) => p.startsWith(glob.replace(/\*\*$/, '')));
    const { files, packages } = workerGraph();
    expect(files.length).toBeGreaterThan(50);
    for (const file of files) expect(unpacked(`dist/${file.replace(/\.ts$/, '.js')}`), file).toBe(true);
    // Shipped at all only as a production dependency (devDependencies are left out), and unpacked.
    for (const name of packages) {
      expect(pkg.dependencies, `the worker imports ${name}`).toHaveProperty(name);
      expect(unpacked(`node_modules/${name}/package.json`), name).toBe(true);
    }
    // The window, its preload and package.json stay in the archive.
    for (const p of ['dist/renderer/index.html', 'dist/preload/preload.cjs', 'package.json']) expect(unpacked(p), p).toBe(false);
  });

  it('rebuilds nothing native for Electron, and ships no native module built for another Node', () => {
    expect(builder.npmRebuild).toBe(false);
    // Every production package with a node-gyp build is left out, or its build output is.
    const lock = JSON.parse(readFileSync(new URL('package-lock.json', root), 'utf8'));
    const production = Object.entries(lock.packages as Record<string, { dev?: boolean }>).filter(([p, meta]) => p.startsWith('node_modules/') && !meta.dev).map(([p]) => p);
    const excluded = (builder.files as string[]).filter((f) => f.startsWith('!**/')).map((f) => f.slice(4).replace(/\*\*$/, ''));
    const native: string[] = [];
    const walk = (dir: string) => {
      if (!existsSync(path.join(rootDir, dir))) return;
      for (const e of readdirSync(path.join(rootDir, dir), { withFileTypes: true })) {
        if (e.isDirectory() && e.name !== 'node_modules') walk(`${dir}/${e.name}`);
        else if (e.name === 'binding.gyp') native.push(dir);
      }
    };
    for (const p of production) walk(p);
    expect(native.length).toBeGreaterThan(0); // ssh2's optional crypto binding, cpu-features
    for (const dir of native) expect(excluded.some((x) => `${dir}/`.startsWith(x) || `${dir}/build/`.startsWith(x)), dir).toBe(true);
  });

  it('npm run dist starts from an empty dist/, so files of an older layout are never shipped', () => {
    expect(pkg.scripts.dist).toMatch(/^npm run --silent clean && npm run --silent build && electron-builder /);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rt-clean-'));
    mkdirSync(path.join(dir, 'dist', 'main', 'old-layout'), { recursive: true });
    writeFileSync(path.join(dir, 'dist', 'main', 'old-layout', 'stale.js'), '');
    execFileSync('sh', ['-c', pkg.scripts.clean], { cwd: dir });
    expect(existsSync(path.join(dir, 'dist'))).toBe(false);
  });

  it('sets the fuses: no ELECTRON_RUN_AS_NODE, NODE_OPTIONS or --inspect, encrypted cookies, only an app.asar whose integrity is checked', () => {
    expect(builder.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
    // The app needs none of what runAsNode gives: no child_process.fork of itself, and the CLI is --cli.
    const offenders = execFileSync('grep', ['-rlE', 'ELECTRON_RUN_AS_NODE|child_process.*fork|\\bfork\\(', 'main', 'contract', '--include=*.ts', '--exclude=*.test.ts'], { cwd: rootDir, encoding: 'utf8' }).trim().split('\n').filter(Boolean);
    expect(offenders).toEqual(['main/electron/app-cli.ts']); // the comment saying so
  }, 20_000);

  it("the window's Content-Security-Policy lets the page connect nowhere (it talks to main over IPC)", () => {
    const html = readFileSync(new URL('renderer/index.html', root), 'utf8');
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)![1]!;
    expect(csp).toMatch(/(^|; )connect-src 'none'(;|$)/);
    expect(csp).not.toMatch(/ws:|localhost|127\.0\.0\.1/);
    expect(csp).toMatch(/(^|; )default-src 'self'(;|$)/);
  });

  it("the portable unpacks into a folder of its own at every start, so a second start cannot delete the first one's files", () => {
    // electron-builder's own rule for the define (NsisTarget.js), run on our value.
    const source = readFileSync(require.resolve('app-builder-lib/out/targets/nsis/NsisTarget.js'), 'utf8');
    const rule = /if \((typeof unpackDirName === "string" \|\| !unpackDirName)\) \{\s*defines\.UNPACK_DIR_NAME =/.exec(source);
    expect(rule).not.toBeNull();
    const definesFixedName = new Function('unpackDirName', `return ${rule![1]}`) as (v: unknown) => boolean;
    expect(definesFixedName(undefined)).toBe(true); // the default: one name per build
    expect(definesFixedName(false)).toBe(true); // what the option's docs say gives $PLUGINSDIR
    expect(definesFixedName(builder.portable.unpackDirName)).toBe(false);
    // Without the define the template unpacks into $PLUGINSDIR (new at every start), then RMDirs only that.
    const portable = readFileSync(path.join(templates, 'portable.nsi'), 'utf8');
    expect(portable).toMatch(/StrCpy \$INSTDIR "\$PLUGINSDIR\\app"\s*!ifdef UNPACK_DIR_NAME\s*StrCpy \$INSTDIR "\$TEMP\\\$\{UNPACK_DIR_NAME\}"\s*!endif\s*RMDir \/r \$INSTDIR/);
  });

  describe('the NSIS include script', () => {
    it("is included, and defines the macros electron-builder's templates call", () => {
      expect(builder.nsis.include).toBe('assets/installer.nsh');
      const t = (f: string) => readFileSync(path.join(templates, f), 'utf8');
      expect(t('include/allowOnlyOneInstallerInstance.nsh')).toMatch(/!ifmacrodef customCheckAppRunning\s*!insertmacro customCheckAppRunning/);
      expect(t('installSection.nsh')).toMatch(/!ifmacrodef customInstall\s*!insertmacro customInstall/);
      expect(t('uninstaller.nsh')).toMatch(/!ifmacrodef customUnInstall\s*!insertmacro customUnInstall/);
      for (const m of ['customCheckAppRunning', 'customInstall', 'customUnInstall']) expect(include).toMatch(new RegExp(`^!macro ${m}$`, 'm'));
      // With a customCheckAppRunning the template no longer includes these; _CHECK_APP_RUNNING needs them.
      expect(t('include/allowOnlyOneInstallerInstance.nsh')).toMatch(/!ifmacrondef customCheckAppRunning\s*!include "getProcessInfo.nsh"\s*Var pid/);
      expect(include).toMatch(/^!include "getProcessInfo.nsh"\nVar pid$/m);
    });

    it.skipIf(!makensis)('compiles with NSIS in the installer and in the uninstaller', () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'rt-nsis-'));
      const script = harness(dir);
      for (const build of [[], ['-DBUILD_UNINSTALLER']]) {
        const run = () => execFileSync(makensis!, ['-V2', '-NOCD', ...build, script], { cwd: dir, encoding: 'utf8', stdio: 'pipe' });
        expect(run).not.toThrow();
      }
      expect(existsSync(path.join(dir, 'harness.exe'))).toBe(true);
    }, 60_000);

    it('asks the running app to quit as its Quit does before electron-builder would stop the process', () => {
      const macro = /!macro customCheckAppRunning([\s\S]*?)!macroend/.exec(include)![1]!;
      expect(macro).toContain(`Exec \`"$INSTDIR\\\${APP_EXECUTABLE_FILENAME}" ${QUIT_FLAG}\``);
      expect(macro.indexOf(QUIT_FLAG)).toBeLessThan(macro.indexOf('!insertmacro _CHECK_APP_RUNNING'));
    });

    it('at uninstall removes the launch-at-login values and the notification registration Electron wrote, but not at an update', () => {
      // The Run value is named by the app id (browser_win.cc:686-687); electron-builder defines APP_ID from appId.
      expect(builder.appId).toBe(APP_ID);
      const macro = /!macro customUnInstall([\s\S]*?)!macroend/.exec(include)![1]!;
      expect(macro).toMatch(/\$\{ifNot\} \$\{isUpdated\}/);
      expect(macro).toContain('DeleteRegValue HKCU "${RAGNATRAMP_RUN_KEY}" "${APP_ID}"');
      expect(macro).toContain('DeleteRegValue HKCU "${RAGNATRAMP_STARTUP_APPROVED_KEY}" "${APP_ID}"');
      expect(include).toContain('!define RAGNATRAMP_RUN_KEY "Software\\Microsoft\\Windows\\CurrentVersion\\Run"');
      expect(include).toContain('!define RAGNATRAMP_STARTUP_APPROVED_KEY "Software\\Microsoft\\Windows\\CurrentVersion\\Explorer\\StartupApproved\\Run"');
      expect(macro).toContain('DeleteRegKey HKCU "Software\\Classes\\CLSID\\${RAGNATRAMP_TOAST_CLSID}"');
      expect(include).toContain(`!define RAGNATRAMP_TOAST_CLSID "${TOAST_ACTIVATOR_CLSID}"`);
      expect(macro).toContain('!insertmacro ragnatrampPathRemove');
    });

    it('puts the folder of ragnatramp-tray.cmd, which runs the app as the CLI, on the user\'s PATH', () => {
      expect(include).toContain('!define RAGNATRAMP_CLI_DIR "$INSTDIR\\resources\\bin"');
      expect(builder.extraResources).toContainEqual({ from: 'assets/bin', to: 'bin', filter: ['ragnatramp-tray.cmd'] });
      expect(/!macro customInstall([\s\S]*?)!macroend/.exec(include)![1]).toContain('!insertmacro ragnatrampPathAdd');
      expect(include).toMatch(/WriteRegExpandStr HKCU "Environment" "Path"/);
      const cmd = readFileSync(new URL('assets/bin/ragnatramp-tray.cmd', root), 'utf8');
      expect(cmd.split('\r\n').length).toBe(cmd.split('\n').length); // CRLF throughout
      // resources\bin\ -> the install folder, where electron-builder puts "<productName>.exe".
      expect(builder.productName).toBe(PRODUCT_NAME);
      expect(cmd).toContain(`"%~dp0..\\..\\${PRODUCT_NAME}.exe" ${CLI_FLAG} %*\r\nexit /b %ERRORLEVEL%`);
    });
  });
});

describe('packaging for macOS', () => {
  const mac = builder.mac as Record<string, unknown> & { extendInfo: Record<string, unknown>; target: Array<{ target: string; arch: string[] }> };

  it('a dmg for Apple silicon and for Intel, a menu-bar app (no Dock icon), allowed to ask for the local network', () => {
    expect(mac.target).toEqual([{ target: 'dmg', arch: ['arm64', 'x64'] }]);
    // Info.plist gets extendInfo merged in (app-builder-lib out/macPackager.js:433-435, deepAssign).
    expect(mac.extendInfo.LSUIElement).toBe(true);
    expect(mac.extendInfo.NSLocalNetworkUsageDescription).toMatch(/SSH to your virtual machines/);
  });

  it('hardened runtime with only the JIT exceptions Electron needs; signing and notarisation come from the environment', () => {
    expect(mac.hardenedRuntime).toBe(true);
    const plist = readFileSync(path.join(rootDir, String(mac.entitlements)), 'utf8');
    const granted = [...plist.matchAll(/<key>([^<]+)<\/key>\s*<true\/>/g)].map((m) => m[1]);
    expect(granted).toEqual(['com.apple.security.cs.allow-jit', 'com.apple.security.cs.allow-unsigned-executable-memory']);
    expect(mac.entitlementsInherit).toBe(mac.entitlements);
    // `notarize: false` would skip notarisation even with APPLE_* set (MacTargetHelper.notarizeIfProvided);
    // no identity pinned: CSC_LINK or the keychain's Developer ID certificate decides.
    expect(mac.notarize).toBeUndefined();
    expect(mac.identity).toBeUndefined();
  });

  it("ships the menu bar's template images (both sizes) for every health state", () => {
    const shipped = builder.extraResources.find((r: { from: string }) => r.from === 'assets').filter as string[];
    for (const health of ['good', 'attention', 'error', 'working', 'idle']) {
      for (const file of [`tray-${health}Template.png`, `tray-${health}Template@2x.png`]) {
        expect(existsSync(path.join(rootDir, 'assets', file))).toBe(true);
        expect(shipped.some((glob) => new RegExp(`^${glob.replace(/\./g, '\\.').replace(/\*/g, '.*')}$`).test(file))).toBe(true);
      }
    }
  });
});
