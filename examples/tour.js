// The README's tour, runnable from the repository: `npm run build && node examples/tour.js`.
// In an app, import from 'wasm-activations' instead of '../dist/index.js'.
import { init, backendInfo, sigmoid, leakyRelu, softmax, gelu, loadBackend } from '../dist/index.js';

const x = Float32Array.from([-2, -0.5, 0, 0.5, 2]);
console.log('before init, on', backendInfo().name, sigmoid(x));
console.log('init ->', await init());

const y = sigmoid(x);
console.log('sigmoid', y);
console.log('leakyRelu alpha 0.2 into y', leakyRelu(x, { alpha: 0.2, out: y }));
console.log('gelu tanh, in place', gelu(Float32Array.from(x), { approximate: 'tanh' }));
console.log('softmax over axis 1 of [2, 3]', softmax(Float64Array.from([1, 2, 3, 1, 1, 1]), { shape: [2, 3], axis: 1 }));

const js = await loadBackend('js');
const simd = await loadBackend('wasm-simd');
const a = js.tanh(x);
const b = simd.tanh(x);
console.log('js and wasm-simd give the same bits:', a.every((v, i) => Object.is(v, b[i])));
