// The architecture, checked: imports point down the layers (contract ← engine ← worker ← app ←
// electron; the CLI beside the app over the engine, and hosted by the electron entry for `--cli`),
// product code never reaches into dev/, the
// window and the preload reach main only through the contract, and no module decides anything
// by matching another module's prose.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir)).flatMap((name) => {
    const rel = path.posix.join(dir, name);
    if (name === 'node_modules') return [];
    return statSync(path.join(ROOT, rel)).isDirectory() ? files(rel) : /\.tsx?$/.test(name) ? [rel] : [];
  });
}

const isTest = (f: string) => /\.test\.tsx?$/.test(f);

/** Every relative import of a file, as a repo path. */
function imports(file: string): string[] {
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m) => path.posix.normalize(path.posix.join(path.posix.dirname(file), m[1]!)));
}

// Which folders each layer may import from (besides its own). Tests may reach anything.
const LAYERS: Array<[string, string[]]> = [
  ['contract/', []],
  ['main/engine/', []],
  ['main/worker/', ['main/engine/', 'contract/']],
  ['main/app/', ['main/worker/', 'main/engine/', 'contract/']],
  ['main/cli/', ['main/engine/']],
  // The packaged app is also the command line on Windows (`--cli`, main/electron/app-cli.ts).
  ['main/electron/', ['main/app/', 'main/worker/', 'main/engine/', 'main/cli/', 'contract/']],
  ['preload/', ['contract/']],
  ['renderer/src/', ['contract/']],
];

// A regex or string with words in it, tested against a message, a warning or a reason.
const PROSE = [/\/[^/\n]*\w \w[^/\n]*\/[gimsuy]*\.test\(/, /\.(message|text|reason|skipReason|error|stderr)\b[^;\n]*\.(includes|startsWith|endsWith|match)\('[^']* [^']*'/, /\b(w|warning)\.(includes|startsWith|endsWith)\(/];

describe('architecture', () => {
  const product = [...files('main'), ...files('contract'), ...files('preload'), ...files('renderer/src')].filter((f) => !isTest(f) && !f.endsWith('test-support.tsx'));

  it('imports point down the layers', () => {
    const wrong: string[] = [];
    for (const file of product) {
      const [layer, allowed] = LAYERS.find(([prefix]) => file.startsWith(prefix))!;
      for (const target of imports(file)) {
        if (!target.startsWith(layer) && !allowed.some((a) => target.startsWith(a))) wrong.push(`${file} -> ${target}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('the layer check itself catches a loop (the worker building views from app/ did)', () => {
    const [, allowed] = LAYERS.find(([p]) => p === 'main/worker/')!;
    expect(allowed.some((a) => 'main/app/project-view.ts'.startsWith(a))).toBe(false);
  });

  it('matches codes and typed fields, never another module\'s message text', () => {
    // These read another program's output, not a module's words: the guest write script's
    // stderr (its last line says whether it restored the backup), PowerShell's error layout and
    // macOS's socketfilterfw (whether the firewall lets bootpd answer).
    const PARSERS = ['main/engine/ssh/remote-hosts-write.ts', 'main/engine/providers/hyperv/powershell-runner.ts', 'main/engine/discovery/bootpd-checks.ts'];
    const found = product
      .filter((f) => !PARSERS.includes(f))
      .flatMap((f) => readFileSync(path.join(ROOT, f), 'utf8').split('\n').flatMap((line, i) => (PROSE.some((re) => re.test(line)) ? [`${f}:${i + 1}: ${line.trim()}`] : [])));
    expect(found).toEqual([]);
  });

  it('the prose check catches the matching it replaced', () => {
    const old = ["const keyChanged = /SSH host key of .* changed/.test(vm.sync.message ?? '');", "for (const w of o.discovery.warnings) if (!/KVP reports|ARP table because/.test(w)) warnings.push(w);", "(w.includes('several IPv4 addresses for MAC') ? x : w)"];
    expect(old.map((line) => PROSE.some((re) => re.test(line)))).toEqual([true, true, true]);
  });
});
