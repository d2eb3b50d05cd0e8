// Parses a YAML document with positions kept, so that every later complaint about a field can
// point at its line and column. Syntax errors become an InputError naming the file.

import { LineCounter, parseDocument, isNode } from 'yaml';
import { InputError } from '../errors.js';
import type { Locator } from './schema-problems.js';

export interface ParsedYaml {
  data: unknown;
  locate: Locator;
}

export function parseYaml(file: string, text: string, fix: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new InputError(
      file,
      doc.errors.slice(0, 5).map((e) => {
        const pos = lineCounter.linePos(e.pos[0]);
        return { field: null, line: pos.line, column: pos.col, problem: firstLine(e.message) };
      }),
      fix,
    );
  }
  if (doc.contents === null) throw new InputError(file, [{ field: null, problem: 'the file is empty' }], fix);
  const locate: Locator = (segments) => {
    // Walk up until a node exists: a missing field is reported at its parent.
    for (let n = segments.length; n >= 0; n--) {
      const node = doc.getIn(segments.slice(0, n), true);
      if (isNode(node) && node.range) {
        const pos = lineCounter.linePos(node.range[0]);
        return { line: pos.line, column: pos.col };
      }
    }
    return undefined;
  };
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    // yaml's guard against an alias bomb (a few lines that expand to billions of nodes).
    if (err instanceof ReferenceError) throw new InputError(file, [{ field: null, problem: `uses YAML aliases (*name) too often: ${firstLine(err.message)}` }], fix);
    throw err;
  }
  return { data, locate };
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}
