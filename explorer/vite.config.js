// The explorer is an app of its own that imports the package by name: this alias points the
// name at the library built in ../dist (npm run build), where an app would get it from
// node_modules. Nothing else is configured: the .wasm files come through Vite's handling of
// `new URL('./wasm/...', import.meta.url)`, as in any app.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  resolve: { alias: { 'wasm-activations': fileURLToPath(new URL('../dist/index.js', import.meta.url)) } },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
  server: { host: '127.0.0.1', port: 5173, strictPort: false },
  preview: { host: '127.0.0.1' },
});
