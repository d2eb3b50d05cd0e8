// Builds the renderer into dist/renderer with relative paths, so that Electron can load it from
// the file system and the browser host can serve it.
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  build: { outDir: '../dist/renderer', emptyOutDir: true, sourcemap: true, target: 'chrome120' },
});
