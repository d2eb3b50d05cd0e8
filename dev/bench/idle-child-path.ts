// Where `tsc -p .` puts the idle benchmark's child (it runs compiled, so that tsx's own cost is
// not measured): derived from this folder's place in the repo, so that a move cannot leave the
// bench pointing at a file that is no longer built (it did, after dev/ was split off main/).

import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
// This module runs from dev/bench (tsx) or from dist/dev/bench (compiled).
const ROOT = path.resolve(HERE, HERE.split(path.sep).includes('dist') ? '../../..' : '../..');

export const IDLE_CHILD = path.join(ROOT, 'dist', path.relative(ROOT, HERE.replace(`${path.sep}dist${path.sep}`, path.sep)), 'idle-child.js');
