import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { createDeferredEngine, createEngine } from '../core/createEngine';
import type { DeferredEngine, Engine } from '../core/engine';

const RUNTIME = 'tree-sitter.wasm';
const GRAMMAR = 'tree-sitter-bash.wasm';

/**
 * Finds the WebAssembly files: beside the bundle when built (esbuild copies them into `dist/`), in
 * `node_modules` when running from source (tests through tsx).
 */
function locate(file: string, packageFile: string, wasmDir: string | undefined): string {
  const candidates = [wasmDir, __dirname, path.join(__dirname, '..', '..', 'dist')].filter((dir): dir is string => dir !== undefined).map((dir) => path.join(dir, file));
  const found = candidates.find((candidate) => existsSync(candidate));
  if (found) return found;
  try {
    return require.resolve(packageFile);
  } catch {
    throw new Error(`Airlock cannot find ${file} (looked in ${candidates.join(', ')}); run npm run build`);
  }
}

/** Loads the engine once per process; creation takes a few milliseconds (WebAssembly compile). */
export async function loadEngine(wasmDir?: string): Promise<Engine> {
  const runtime = readFileSync(locate(RUNTIME, 'web-tree-sitter/tree-sitter.wasm', wasmDir));
  const bash = readFileSync(locate(GRAMMAR, 'tree-sitter-bash/tree-sitter-bash.wasm', wasmDir));
  return createEngine({ runtime, bash });
}

/**
 * The engine for one-shot processes (the agent hook deciding locally): the files are found now, so a
 * broken install still fails at creation, but read and started only when an action first needs a
 * parse, which most lines an agent runs do not (src/core/shell/plainLine.ts).
 */
export function loadDeferredEngine(wasmDir?: string): DeferredEngine {
  const runtime = locate(RUNTIME, 'web-tree-sitter/tree-sitter.wasm', wasmDir);
  const bash = locate(GRAMMAR, 'tree-sitter-bash/tree-sitter-bash.wasm', wasmDir);
  return createDeferredEngine(() => ({ runtime: readFileSync(runtime), bash: readFileSync(bash) }));
}
