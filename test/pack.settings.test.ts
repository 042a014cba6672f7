// The packed package in every place users put it, with no configuration of
// WebAssembly paths: Node CommonJS (require), TypeScript with moduleResolution
// node16 and bundler (a typed call compiles, a wrong one does not), a Vite
// browser build and an esbuild bundle, each loaded in headless Chromium
// (Debian's /usr/bin/chromium driven by playwright-core) computing sigmoid on
// wasm-simd. Node ESM is in test/pack.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { pack, repo, run, scratchProject } from './pack-helpers.js';

const CHROMIUM = '/usr/bin/chromium';



let tmp = '';
let project = '';
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'wasm-activations-settings-'));
  project = scratchProject(path.join(tmp, 'project'), pack(tmp));
}, 120_000);
afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('Node CommonJS', () => {
  it('require() gives the same API and computes on wasm-simd', () => {
    writeFileSync(path.join(project, 'use.cjs'), `
      const wa = require('wasm-activations');
      const { registerTfjsKernels } = require('wasm-activations/tfjs');
      wa.init().then((info) => {
        console.log(JSON.stringify({ info, y: Array.from(wa.sigmoid(Float32Array.of(0, 2))), grad: Array.from(wa.relu.grad(Float32Array.of(-1, 1))), tfjs: typeof registerTfjsKernels }));
      });
    `);
    const r = JSON.parse(run(process.execPath, ['use.cjs'], project).trim().split('\n').pop()!) as { info: { name: string }; y: number[]; grad: number[]; tfjs: string };
    expect(r.info.name).toBe('wasm-simd');
    expect(r.y).toEqual([0.5, Math.fround(1 / (1 + Math.exp(-2)))]);
    expect(r.grad).toEqual([0, 1]);
    expect(r.tfjs).toBe('function');
  });
});

describe('TypeScript', () => {
  const tsc = path.join(repo, 'node_modules', 'typescript', 'bin', 'tsc');
  for (const [resolution, module] of [['node16', 'node16'], ['bundler', 'esnext']] as const) {
    it(`moduleResolution ${resolution}: types resolve, a typed call compiles and a wrong one does not`, () => {
      const dir = path.join(project, `ts-${resolution}`);
      mkdirSync(dir, { recursive: true });
      const config = { compilerOptions: { strict: true, noEmit: true, target: 'es2022', module, moduleResolution: resolution, lib: ['es2022', 'dom'], skipLibCheck: false, types: [] } };
      writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(config));
      writeFileSync(path.join(dir, 'good.ts'), `
        import { init, sigmoid, softmax, catalog, type ActivationDef } from 'wasm-activations';
        await init();
        const y: Float32Array = sigmoid(new Float32Array(4), { out: new Float32Array(4) });
        const g: Float64Array = softmax.grad(new Float64Array(6), { shape: [2, 3], dy: new Float64Array(6) });
        const first: ActivationDef = catalog[0]!;
        console.log(y, g, first.name);
      `);
      // The project's package.json says "type": "module", so node16 treats .ts files as ES modules.
      expect(() => run(process.execPath, [tsc, '-p', 'tsconfig.json'], dir)).not.toThrow();
      writeFileSync(path.join(dir, 'bad.ts'), `
        import { sigmoid } from 'wasm-activations';
        const y: Float64Array = sigmoid(new Float32Array(4));
        console.log(y);
      `);
      expect(() => run(process.execPath, [tsc, '-p', 'tsconfig.json'], dir)).toThrow(/TS2322|not assignable/);
      rmSync(path.join(dir, 'bad.ts'));
    }, 120_000);
  }
});

/** Serves `root` on a free localhost port. */
async function serve(root: string): Promise<{ url: string; server: Server }> {
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css' };
  const server = createServer((req, res) => {
    const file = path.join(root, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    if (!file.startsWith(root) || !existsSync(file) || !file.includes('.')) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return { url: `http://127.0.0.1:${address.port}`, server };
}

interface PageResult { info: { name: string }; y: number[]; errors: string[]; requests: string[] }

async function runInChromium(url: string): Promise<PageResult> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('request', (r) => requests.push(new URL(r.url()).pathname));
    await page.goto(url);
    await page.waitForFunction(() => (window as unknown as { result?: unknown }).result !== undefined, null, { timeout: 30_000 });
    const result = await page.evaluate(() => (window as unknown as { result: { info: { name: string }; y: number[] } }).result);
    return { ...result, errors, requests };
  } finally {
    await browser.close();
  }
}

const PAGE_SCRIPT = `
  import { init, sigmoid } from 'wasm-activations';
  const info = await init();
  window.result = { info, y: Array.from(sigmoid(Float32Array.of(-4, 0, 4))) };
`;
const expectedSigmoid = [-4, 0, 4].map((v) => Math.fround(1 / (1 + Math.exp(-v))));

describe('bundlers, in headless Chromium', () => {
  it('Chromium is installed (.ci/run installs Debian\'s chromium)', () => {
    expect(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install chromium`).toBe(true);
  });

  it('a Vite build loads wasm-simd from the .wasm asset Vite emits', async () => {
    const dir = path.join(project, 'vite-app');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html><html><head><link rel="icon" href="data:,"></head><body><script type="module" src="./main.js"></script></body></html>');
    writeFileSync(path.join(dir, 'main.js'), PAGE_SCRIPT);
    const { build } = await import('vite');
    await build({ root: dir, logLevel: 'silent', build: { outDir: path.join(dir, 'dist'), target: 'es2022' }, resolve: { preserveSymlinks: false } });
    const { url, server } = await serve(path.join(dir, 'dist'));
    try {
      const r = await runInChromium(`${url}/index.html`);
      expect(r.errors).toEqual([]);
      expect(r.info.name).toBe('wasm-simd');
      expect(r.y).toEqual(expectedSigmoid);
      expect(r.requests.some((p) => p.endsWith('.wasm')), r.requests.join(', ')).toBe(true);
    } finally {
      server.close();
    }
  }, 120_000);

  it('an esbuild bundle loads wasm-simd with no .wasm beside it (the inline fallback)', async () => {
    const dir = path.join(project, 'esbuild-app');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html><html><head><link rel="icon" href="data:,"></head><body><script type="module" src="./bundle.js"></script></body></html>');
    writeFileSync(path.join(dir, 'main.js'), PAGE_SCRIPT);
    const { build } = await import('esbuild');
    await build({ entryPoints: [path.join(dir, 'main.js')], bundle: true, format: 'esm', target: 'es2022', outfile: path.join(dir, 'bundle.js'), logLevel: 'silent', absWorkingDir: dir });
    const { url, server } = await serve(dir);
    try {
      const r = await runInChromium(`${url}/index.html`);
      // The fetch of ./wasm/activations-simd.wasm 404s (esbuild does not copy it), and is the only console error.
      expect(r.errors.filter((e) => !/404|Failed to load resource/.test(e))).toEqual([]);
      expect(r.info.name).toBe('wasm-simd');
      expect(r.y).toEqual(expectedSigmoid);
    } finally {
      server.close();
    }
  }, 120_000);
});
