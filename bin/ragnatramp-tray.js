#!/usr/bin/env node
// Installed command: runs the compiled CLI (`npm run build` produces dist/).
import '../dist/main/cli/ragnatramp-tray.js';
