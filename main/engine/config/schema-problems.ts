// Turns JSON-schema validation errors (ajv) into InputProblems that name the field the way a
// user reads it (`machines[1].ssh.user`) and say what is wrong in plain words.

import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { InputProblem } from '../errors.js';
import { excerpt } from '../excerpt.js';

const ajv = new Ajv({ allErrors: true, strict: false });
const compiled = new WeakMap<object, ValidateFunction>();

/** Locates a field (as path segments) in the source file; returns 1-based line and column. */
export type Locator = (segments: Array<string | number>) => { line: number; column: number } | undefined;

export function schemaProblems(schema: object, data: unknown, locate?: Locator): InputProblem[] {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  if (validate(data)) return [];
  const problems = (validate.errors ?? []).map((e) => toProblem(e, data, locate));
  // allErrors reports an `if`/`anyOf` parent next to its children; one line per field is enough.
  const seen = new Set<string>();
  const unique = problems.filter((p) => {
    const key = `${p.field}|${p.problem}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  if (unique.length <= MAX_PROBLEMS) return unique;
  return [...unique.slice(0, MAX_PROBLEMS), { field: null, problem: `and ${unique.length - MAX_PROBLEMS} more problems` }];
}

/** Enough to fix a file from; more would mostly quote it back. */
const MAX_PROBLEMS = 8;


function toProblem(e: ErrorObject, data: unknown, locate?: Locator): InputProblem {
  const segments = pointerSegments(e.instancePath);
  let field = formatField(segments);
  let problem: string;
  const value = valueAt(data, segments);
  switch (e.keyword) {
    case 'required': {
      const missing = (e.params as { missingProperty: string }).missingProperty;
      field = formatField([...segments, missing]);
      problem = 'is required but missing';
      break;
    }
    case 'additionalProperties': {
      const extra = (e.params as { additionalProperty: string }).additionalProperty;
      field = formatField([...segments, extra]);
      problem = 'is not a known field (check its spelling or remove it)';
      segments.push(extra);
      break;
    }
    case 'pattern':
      problem = `${typeof value === 'string' ? excerpt(value) : describe(value)} does not match ${(e.params as { pattern: string }).pattern}`;
      break;
    case 'type':
      problem = `must be ${article((e.params as { type: string }).type)} (got ${describe(value)})`;
      break;
    case 'enum':
      problem = `must be one of ${((e.params as { allowedValues: unknown[] }).allowedValues).map((v) => JSON.stringify(v)).join(', ')} (got ${typeof value === 'string' ? excerpt(value) : describe(value)})`;
      break;
    case 'minimum':
    case 'maximum':
    case 'minLength':
    case 'maxLength':
    case 'minItems':
    case 'maxItems':
      problem = `${e.message ?? 'is out of range'} (got ${describe(value)})`;
      break;
    case 'const':
      problem = `must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)} (got ${describe(value)})`;
      break;
    case 'uniqueItems':
      problem = 'has two identical entries; each must be unique';
      break;
    default:
      problem = e.message ?? 'is invalid';
  }
  const at = locate?.(segments);
  return { field: field || null, problem, ...(at ? { line: at.line, column: at.column } : {}) };
}

function pointerSegments(pointer: string): Array<string | number> {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

export function formatField(segments: Array<string | number>): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(s)) out += out ? `.${s}` : s;
    else out += `[${excerpt(s)}]`;
  }
  return out;
}

function valueAt(data: unknown, segments: Array<string | number>): unknown {
  let cur = data;
  for (const s of segments) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[s];
  }
  return cur;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === 'string') return excerpt(value);
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${String(value)}`;
}

function article(type: string): string {
  const names: Record<string, string> = {
    object: 'a mapping',
    array: 'a list',
    string: 'a string',
    integer: 'a whole number',
    number: 'a number',
    boolean: 'true or false',
    null: 'null',
  };
  return type
    .split(',')
    .map((t) => names[t] ?? t)
    .join(' or ');
}
