#!/usr/bin/env node
/**
 * The `simdnn` command line: train, evaluate and predict with dense networks, and move them in and
 * out of ONNX and the TF.js layers format.
 *
 *   simdnn train [--data mnist|file.csv] [--label col] [--layers 128,64] … [--save dir] [--json]
 *   simdnn evaluate <dir> [--data mnist|file.csv] [--label col]
 *   simdnn predict <dir|file.onnx> <file.csv>
 *   simdnn export <dir> --format onnx|tfjs --out <path>
 *   simdnn import <file.onnx|model.json> --out <dir>
 *
 * Exit codes: 0 success, 1 a runtime error (missing file, bad data, diverged training…),
 * 2 a usage error (unknown command or flag, bad flag value).
 *
 * Human-readable results go to stdout; progress bars and notes go to stderr, so
 * `simdnn train --json | tail -1` is the JSON summary and `simdnn predict … > out.txt` is just the
 * predictions.
 */
import { setFlagsFromString } from 'node:v8';
import { createRequire } from 'node:module';
import { UsageError } from './cli/args.js';
import { COMMANDS, commandHelp, mainHelp, parseCommand } from './cli/commands.js';

/**
 * Node 20 keeps relaxed SIMD behind a V8 flag; it must be set before any wasm is compiled.
 * This is our own process, so turning it on is fine (newer Nodes ship it and ignore the flag).
 */
function enableRelaxedSimd(): void {
  try {
    setFlagsFromString('--experimental-wasm-relaxed-simd');
  } catch {
    // an engine without the flag: the baseline build is used
  }
}

// ───────────────────────────── main ─────────────────────────────

function version(): string {
  try {
    // src/cli.ts and dist/cli.js both sit one level below package.json.
    return (createRequire(import.meta.url)('../package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** Runs the CLI on `argv` (without node and script); resolves to the exit code. */
async function main(argv: string[]): Promise<number> {
  let command: string | undefined;
  try {
    const [first, ...rest] = argv;
    if (first === undefined || first === '--help' || first === '-h') {
      process.stdout.write(`${mainHelp()}\n`);
      return 0;
    }
    if (first === '--version') {
      process.stdout.write(`${version()}\n`);
      return 0;
    }
    if (first === 'help') {
      const topic = rest[0];
      if (topic === undefined) process.stdout.write(`${mainHelp()}\n`);
      else if (COMMANDS[topic]) process.stdout.write(`${commandHelp(topic)}\n`);
      else throw new UsageError(`unknown command '${topic}'; commands: ${Object.keys(COMMANDS).join(', ')}`);
      return 0;
    }
    if (!Object.hasOwn(COMMANDS, first)) {
      if (first.startsWith('-')) {
        throw new UsageError(
          `unknown flag ${first}; give a command first (${Object.keys(COMMANDS).join(', ')}), e.g. 'simdnn train ${first}'`,
        );
      }
      throw new UsageError(`unknown command '${first}'; commands: ${Object.keys(COMMANDS).join(', ')}`);
    }
    command = first;
    const { values, positionals } = parseCommand(first, rest);
    if (values.help) {
      process.stdout.write(`${commandHelp(first)}\n`);
      return 0;
    }
    await COMMANDS[first].run(values, positionals);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      const cmd = e.command ?? command;
      process.stderr.write(`simdnn: error: ${e.message}\n`);
      process.stderr.write(cmd ? `Run 'simdnn ${cmd} --help' for usage.\n` : "Run 'simdnn --help' for usage.\n");
      return 2;
    }
    process.stderr.write(`simdnn: ${(e as Error).message ?? String(e)}\n`);
    if (process.env.SIMDNN_DEBUG) process.stderr.write(`${(e as Error).stack}\n`);
    return 1;
  }
}

// A closed pipe (`simdnn predict … | head`) is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

// Before main: no command has compiled any wasm yet.
enableRelaxedSimd();

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
