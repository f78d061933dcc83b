/**
 * The machine line every benchmark table is quoted with: CPU, cores, Node/V8, and whether this engine
 * accepts wasm SIMD and relaxed SIMD. The SIMD answers come from `WebAssembly.validate` on two tiny
 * modules assembled here byte by byte, so they say what the engine supports, not what simdnn chose.
 */
import { readFileSync } from 'node:fs';
import * as os from 'node:os';

/** LEB128 (unsigned) — section and body sizes in the binary format. */
function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

function section(id: number, payload: number[]): number[] {
  return [id, ...uleb(payload.length), ...payload];
}

/**
 * A module with one function `() -> v128` whose body is `instr` followed by `end`.
 *   type section:     1 type, func () -> (v128)
 *   function section: 1 function of type 0
 *   code section:     1 body, no locals
 */
function v128Module(instr: number[]): Uint8Array<ArrayBuffer> {
  const V128 = 0x7b;
  const body = [0x00 /* no local groups */, ...instr, 0x0b /* end */];
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d, // "\0asm"
    0x01,
    0x00,
    0x00,
    0x00, // version 1
    ...section(1, [1, 0x60, 0, 1, V128]),
    ...section(3, [1, 0]),
    ...section(10, [1, ...uleb(body.length), ...body]),
  ]);
}

/** `v128.const` (prefix 0xfd, opcode 12) with sixteen immediate bytes. */
const v128Const = (fill: number): number[] => [0xfd, 0x0c, ...new Array<number>(16).fill(fill)];

/** SIMD probe: v128.const; v128.const; f32x4.add (0xfd 0xe4 0x01). */
export const SIMD_PROBE = v128Module([...v128Const(0), ...v128Const(1), 0xfd, ...uleb(0xe4)]);

/**
 * Relaxed-SIMD probe: three v128.const then f32x4.relaxed_madd (0xfd, opcode 0x105) — the FMA the
 * relaxed build relies on.
 */
export const RELAXED_SIMD_PROBE = v128Module([...v128Const(0), ...v128Const(1), ...v128Const(2), 0xfd, ...uleb(0x105)]);

export function simdSupported(): boolean {
  return WebAssembly.validate(SIMD_PROBE);
}

export function relaxedSimdSupported(): boolean {
  return WebAssembly.validate(RELAXED_SIMD_PROBE);
}

/** CPU model name: /proc/cpuinfo on Linux, os.cpus() elsewhere. */
export function cpuModel(): string {
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const m = /^model name\s*:\s*(.+)$/m.exec(info);
    if (m) return m[1]!.trim().replace(/\s+/g, ' ');
  } catch {
    // not Linux: fall through
  }
  const model = os.cpus()[0]?.model?.trim();
  return model ? model.replace(/\s+/g, ' ') : 'unknown CPU';
}

/** Logical cores this process may use (os.availableParallelism respects affinity masks). */
export function coreCount(): number {
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
}

export interface MachineInfo {
  cpu: string;
  cores: number;
  node: string;
  v8: string;
  simd: boolean;
  relaxedSimd: boolean;
}

export function machineInfo(): MachineInfo {
  return {
    cpu: cpuModel(),
    cores: coreCount(),
    node: process.version,
    v8: process.versions.v8,
    simd: simdSupported(),
    relaxedSimd: relaxedSimdSupported(),
  };
}

/** e.g. "AMD EPYC, 2 cores · Node v20.20.2 (V8 11.3.244.8-node.33) · wasm SIMD on · relaxed SIMD on" */
export function machineLine(): string {
  const m = machineInfo();
  const onOff = (b: boolean): string => (b ? 'on' : 'off');
  return (
    `${m.cpu}, ${m.cores} core${m.cores === 1 ? '' : 's'} · Node ${m.node} (V8 ${m.v8}) · ` +
    `wasm SIMD ${onOff(m.simd)} · relaxed SIMD ${onOff(m.relaxedSimd)}`
  );
}
