// `npm run bench:profile`: where the time of the exp-based f32 kernels goes, at
// 1,048,576 elements in place in WebAssembly memory (the "zero-copy" column of
// npm run bench), measured side by side with tinybench: the exp core alone,
// sigmoid with a plain f32 division (the usual form, up to ~2.5 ULP), and
// the library's sigmoid, silu, elu and tanh (f32 core, quotient in f64: <= 2 ULP).
import { execFileSync } from 'node:child_process';
import { readFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = fileURLToPath(new URL('../dist/profile/kernels.wasm', import.meta.url));
mkdirSync(fileURLToPath(new URL('../dist/profile/', import.meta.url)), { recursive: true });
execFileSync('npx', ['asc', 'bench/profile/kernels.ts', '--enable', 'simd', '--runtime', 'stub', '--noAssert', '-O3', '--converge', '-o', out], { cwd: root, stdio: 'inherit' });

const { instance } = await WebAssembly.instantiate(readFileSync(out), {});
const k = instance.exports;
const n = 1 << 20;
const base = 65536;
k.memory.grow(Math.ceil((base + 4 * n) / 65536));
const heap = new Float32Array(k.memory.buffer, base, n);
const input = Float32Array.from({ length: n }, () => Math.random() * 16 - 8 || 1);

const kernels = ['copy_f32', 'exp_f32', 'sigmoidF32Division_f32', 'sigmoid_f32', 'silu_f32', 'elu_f32', 'tanh_f32'];
const bench = new Bench({ time: 300, warmupTime: 50 });
for (const name of kernels) {
  bench.add(name, () => k[name](base, base, n, 1, 0), { beforeEach: () => heap.set(input) });
}
await bench.run();
const rate = (t) => n / (t.result.latency?.p50 ?? t.result.period) / 1e3;
const rows = bench.tasks.map((t) => [t.name.replace(/_f32$/, ''), rate(t)]);
const ref = rows.find(([name]) => name === 'sigmoid')[1];
console.log(`| kernel (f32, ${n.toLocaleString('en-US')} elements in place) | Melem/s (median) | vs sigmoid |`);
console.log('|---|---:|---:|');
for (const [name, v] of rows) console.log(`| ${name} | ${v.toFixed(0)} | ${(v / ref).toFixed(2)}× |`);
