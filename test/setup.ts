// Node 20 keeps relaxed SIMD behind a V8 flag; turning it on before any module is compiled lets the
// suite run the relaxed build too ("wherever the engine runs them"). Newer engines ship it anyway.
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--experimental-wasm-relaxed-simd');
