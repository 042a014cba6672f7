// The explorer (npm run explore) as a visitor sees it: the static build
// (vite build of explorer/) served on localhost and driven in headless
// Chromium (Debian's /usr/bin/chromium through playwright-core). It loads
// without console errors on wasm-simd; every catalog entry can be selected and
// draws a curve (the plotted data and the canvas pixels); a slider changes the
// curve; the snippets follow the selection; the benchmark reports numbers; it
// fits a phone-width screen. A screenshot goes to test-artifacts/explorer.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { catalog } from '../dist/index.js';
import { guide } from '../explorer/guide.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const out = path.join(repo, 'explorer', 'dist');
let server: Server;
let url = '';
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];

beforeAll(async () => {
  const { build } = await import('vite');
  await build({ configFile: path.join(repo, 'explorer', 'vite.config.js'), logLevel: 'silent' });
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css', '.woff2': 'font/woff2', '.woff': 'font/woff', '.ttf': 'font/ttf' };
  server = createServer((req, res) => {
    let file = path.join(out, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    if (file.endsWith('/')) file = path.join(file, 'index.html');
    if (!file.startsWith(out) || !existsSync(file)) { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  await page.goto(url);
  await page.waitForFunction(() => (window as unknown as { explorer?: { ready: boolean } }).explorer?.ready === true, null, { timeout: 30_000 });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  server?.close();
});

interface Plotted { name: string; ys: number[]; ds: number[] }
const plottedNow = (): Promise<Plotted[]> =>
  page.evaluate(() => (window as unknown as { explorer: { plotted: Array<{ name: string; ys: Float64Array; ds: Float64Array }> } }).explorer.plotted.map((p) => ({ name: p.name, ys: Array.from(p.ys), ds: Array.from(p.ds) })));

/** Pixels of the canvas in the first curve's colour (#1f6feb), near enough. */
const curvePixels = (): Promise<number> =>
  page.evaluate(() => {
    const c = document.getElementById('plot') as HTMLCanvasElement;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i]! - 0x1f) < 40 && Math.abs(d[i + 1]! - 0x6f) < 40 && Math.abs(d[i + 2]! - 0xeb) < 40) n++;
    return n;
  });

describe('the explorer in Chromium', () => {
  it('loads without console errors, on wasm-simd', async () => {
    expect(await page.textContent('#backend')).toBe('wasm-simd');
    expect(consoleErrors).toEqual([]);
  });

  it('every catalog entry has guide text and snippets (explorer/guide.js)', () => {
    expect(catalog.filter((d) => !(d.name in guide)).map((d) => d.name)).toEqual([]);
  });

  it('every catalog entry can be selected and draws its curve and derivative', async () => {
    for (const def of catalog) {
      await page.selectOption('#fn', def.name);
      const plotted = await plottedNow();
      expect(plotted[0]!.name).toBe(def.name);
      expect(plotted[0]!.ys.filter(Number.isFinite).length, `${def.name}: finite points`).toBeGreaterThan(700);
      expect(plotted[0]!.ds.filter(Number.isFinite).length, `${def.name}: finite derivative points`).toBeGreaterThan(700);
      expect(await curvePixels(), `${def.name}: pixels of the curve`).toBeGreaterThan(300);
      expect(await page.textContent('#title')).toContain(def.name);
    }
    expect(consoleErrors).toEqual([]);
  }, 120_000);

  it('moving a slider (with the keyboard) changes the curve and the snippet', async () => {
    await page.selectOption('#fn', 'elu');
    const before = await plottedNow();
    await page.focus('#param-alpha');
    for (let i = 0; i < 20; i++) await page.keyboard.press('ArrowRight');
    const after = await plottedNow();
    const changed = after[0]!.ys.some((v, i) => v !== before[0]!.ys[i]);
    expect(changed).toBe(true);
    const alpha = await page.inputValue('#param-alpha');
    const snippets = await page.$$eval('#snippets pre', (els) => els.map((e) => e.textContent ?? ''));
    const shown = Math.round(Number(alpha) * 1000) / 1000;
    expect(snippets[0]).toContain(`elu(x, { alpha: ${shown} })`);
    expect(snippets[1]).toContain('F.elu(x, alpha=');
    expect(snippets[2]).toContain('tf.');
  });

  it('the snippet follows the selection, with the defaults that differ spelled out', async () => {
    await page.selectOption('#fn', 'leakyRelu');
    const text = await page.textContent('#snippets');
    expect(text).toContain("import { init, leakyRelu } from 'wasm-activations'");
    expect(text).toContain('F.leaky_relu(x, negative_slope=0.01)');
    expect(text).toContain('tf.leakyRelu(x, 0.01)');
    expect(text).toContain('0.2 in TensorFlow.js');
  });

  it('the softmax panel redraws with the temperature', async () => {
    const before = await page.textContent('#bars');
    await page.fill('#temperature', '3');
    await page.dispatchEvent('#temperature', 'input');
    expect(await page.textContent('#bars')).not.toBe(before);
  });

  it('the benchmark reports Melem/s for wasm-simd and js', async () => {
    await page.selectOption('#fn', 'sigmoid');
    await page.click('#bench');
    await page.waitForSelector('#benchOut em[data-rate]', { timeout: 60_000 });
    const rates = await page.$$eval('#benchOut em[data-rate]', (els) => els.map((e) => [e.textContent, Number((e as HTMLElement).dataset.rate)] as const));
    expect(rates.map((r) => r[0]!.split(':')[0])).toEqual(['wasm-simd', 'js']);
    for (const [, rate] of rates) expect(rate).toBeGreaterThan(0);
  }, 90_000);

  it('fits a phone-width screen, and a screenshot is saved', async () => {
    await page.selectOption('#fn', 'gelu');
    await page.check('#compare input[value="relu"]');
    await page.check('#compare input[value="silu"]');
    mkdirSync(path.join(repo, 'test-artifacts'), { recursive: true });
    await page.screenshot({ path: path.join(repo, 'test-artifacts', 'explorer.png'), fullPage: false });
    await page.setViewportSize({ width: 380, height: 800 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: path.join(repo, 'test-artifacts', 'explorer-phone.png'), fullPage: false });
    expect(consoleErrors).toEqual([]);
  });
});
