// Builds and loads the accuracy reference module (accuracy/reference.ts,
// AssemblyScript) into build/accuracy/reference.wasm (gitignored), rebuilding
// when a source is newer than the module.
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const ROOT = join(here, '..');
export const WASM_PATH = join(ROOT, 'build', 'accuracy', 'reference.wasm');

function newestSource() {
  let t = 0;
  for (const f of readdirSync(here)) if (f.endsWith('.ts')) t = Math.max(t, statSync(join(here, f)).mtimeMs);
  return t;
}

/** Compiles the module with asc unless an up-to-date build exists. */
export async function buildReference({ force = false, quiet = true } = {}) {
  if (!force && existsSync(WASM_PATH) && statSync(WASM_PATH).mtimeMs >= newestSource()) return WASM_PATH;
  mkdirSync(dirname(WASM_PATH), { recursive: true });
  const asc = (await import('assemblyscript/asc')).default;
  const errors = [];
  const { error, stderr } = await asc.main(
    // Its own config: the project's asconfig.json would pull in the library's entry (assembly/index.ts).
    [join(here, 'reference.ts'), '--config', join(here, 'asconfig.json'), '-o', WASM_PATH],
    { stderr: { write: (s) => { errors.push(String(s)); return true; } }, stdout: { write: () => true } },
  );
  if (error) throw new Error(`accuracy: asc failed to build the reference module: ${error.message}\n${errors.join('')}${stderr ?? ''}`);
  if (!quiet) process.stderr.write(`accuracy: built ${WASM_PATH}\n`);
  return WASM_PATH;
}

/**
 * The reference module, instantiated: `exports` plus helpers.
 * `fid(name, grad)` maps a catalog name (or 'geluTanh') to the module's function id.
 */
export async function loadReference() {
  await buildReference();
  const { instance } = await WebAssembly.instantiate(readFileSync(WASM_PATH), { env: { abort: () => { throw new Error('reference module aborted'); } } });
  const ex = instance.exports;
  const GRAD = ex.F_GRAD.value;
  const fid = (name, grad = false) => {
    const g = ex[`F_${name}`];
    if (!g) throw new Error(`accuracy: the reference module has no function '${name}'`);
    return g.value + (grad ? GRAD : 0);
  };
  /** A block of the module's memory; views must be taken afresh after growth (view()). */
  const block = (bytes) => ex.alloc(bytes);
  const f32 = (ptr, n) => new Float32Array(ex.memory.buffer, ptr, n);
  const f64 = (ptr, n) => new Float64Array(ex.memory.buffer, ptr, n);
  return { exports: ex, fid, block, f32, f64 };
}
