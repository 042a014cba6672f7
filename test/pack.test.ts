// The package as users get it: `npm pack` of this repo, installed into a fresh
// project outside it, imported by its name. Checks what the tarball holds
// (dist/, package.json, README.md, LICENSE and nothing else) and that the
// installed copy finds its own .wasm files, loads wasm-simd and computes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pack, repo, run, scratchProject } from './pack-helpers.js';

const pkg = JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')) as { name: string; version: string };


let tmp = '';
let tarball = '';
let project = '';

beforeAll(() => {
  // `npm test` builds first; pack that build as it is. (--ignore-scripts: `prepack` would
  // rebuild dist/ while the other test files read it.)
  for (const f of ['dist/index.js', 'dist/index.d.ts', 'dist/wasm/activations-simd.wasm', 'dist/wasm/activations-scalar.wasm']) {
    if (!existsSync(path.join(repo, f))) throw new Error(`${f} is missing: run \`npm run build\` first (\`npm test\` does)`);
  }
  tmp = mkdtempSync(path.join(os.tmpdir(), 'wasm-activations-pack-'));
  tarball = pack(tmp);
  expect(existsSync(tarball), tarball).toBe(true);

  // No runtime dependencies: nothing but the tarball is installed, so this works offline.
  project = scratchProject(path.join(tmp, 'project'), tarball);
}, 120_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('npm pack', () => {
  it('holds dist/, package.json, README.md and LICENSE, and nothing else', () => {
    const files = run('tar', ['-tzf', tarball], tmp).split('\n').filter(Boolean).map((f) => f.replace(/^package\//, ''));
    const allowed = (f: string) => f.startsWith('dist/') || ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md'].includes(f);
    expect(files.filter((f) => !allowed(f))).toEqual([]);
    for (const needed of ['package.json', 'README.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts', 'dist/wasm/activations-simd.wasm', 'dist/wasm/activations-scalar.wasm']) {
      expect(files, needed).toContain(needed);
    }
    for (const banned of ['src/', 'test/', 'assembly/', 'bench/', 'node_modules/', '.ci/']) {
      expect(files.filter((f) => f.startsWith(banned) || f.includes(`/${banned}`)), banned).toEqual([]);
    }
  });

  it('installs into a fresh project as a package with no dependencies', () => {
    const installed = JSON.parse(readFileSync(path.join(project, 'node_modules', pkg.name, 'package.json'), 'utf8')) as { version: string; dependencies?: object };
    expect(installed.version).toBe(pkg.version);
    expect(installed.dependencies ?? {}).toEqual({});
  });

  it('loads wasm-simd from the installed copy and computes sigmoid', () => {
    const script = `
      import { init, sigmoid, backendInfo } from '${pkg.name}';
      const before = backendInfo();
      const info = await init();
      const x = Float32Array.from([-20, -4, -1, -0.25, 0, 0.25, 1, 4, 20]);
      const y = sigmoid(x);
      console.log(JSON.stringify({ before, info, after: backendInfo(), type: y.constructor.name, x: Array.from(x), y: Array.from(y) }));
    `;
    const stdout = run(process.execPath, ['--input-type=module', '-e', script], project);
    const r = JSON.parse(stdout.trim().split('\n').pop()!) as {
      before: { name: string }; info: { name: string; simd: boolean }; after: { name: string }; type: string; x: number[]; y: number[];
    };
    expect(r.before.name).toBe('js');
    expect(r.info).toMatchObject({ name: 'wasm-simd', simd: true });
    expect(r.after.name).toBe('wasm-simd');
    expect(r.type).toBe('Float32Array');
    r.x.forEach((xi, i) => {
      const exact = 1 / (1 + Math.exp(-xi));
      const ulp = 2 ** (Math.floor(Math.log2(Math.fround(exact))) - 23);
      // SPEC section 6: sigmoid within 2 ULP (the double-precision reference is far closer than that).
      expect(Math.abs(r.y[i]! - exact), `sigmoid(${xi}) = ${r.y[i]}, want ${exact}`).toBeLessThanOrEqual(2 * ulp);
    });
  });
});
