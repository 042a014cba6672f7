// The builds' bytes from the generated modules dist/wasm-inline-{simd,scalar}.js (see
// scripts/wasm-inline.js): the last resort of the loader when the .wasm file is not where
// `new URL('./wasm/...', import.meta.url)` points, as in an esbuild bundle.
export async function inlineBytes(simd: boolean): Promise<Uint8Array> {
  // Literal specifiers, so that bundlers see (and split out) both modules.
  const { base64 } = simd
    ? ((await import(/* webpackChunkName: "wasm-activations-simd" */ './wasm-inline-simd.js' as string)) as { base64: string })
    : ((await import(/* webpackChunkName: "wasm-activations-scalar" */ './wasm-inline-scalar.js' as string)) as { base64: string });
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}
