export const LOADER_NAME = 'airlock-hook-loader.js';

/**
 * The loader the launcher runs: `node airlock-hook-loader.js BUNDLE ARGS...`. It runs the hook bundle
 * with a V8 code cache kept beside the launcher. Compiling the bundle is most of a fresh process's
 * time, paid on every tool call the agent makes; with the cache the call costs little more than
 * starting Node. It is plain JavaScript written to disk (it must run before any bundle is loaded), so
 * it is kept as text here; test/unit/hookLoader.test.ts runs it.
 *
 * What each step saves was measured (docs/measurements.md, hook latency):
 * - The cache file is named by the bundle's path, size and time and the runtime's version, without
 *   loading `crypto` (2 ms): V8 checks only the source's length against the cache, so the name must
 *   change whenever the bundle does. V8 also rejects a cache made by another V8 or other flags.
 * - The bundles are ASCII (esbuild escapes everything else), and decoding a megabyte as Latin-1 costs
 *   half of decoding it as UTF-8; the loader checks, and decodes anything else as UTF-8.
 * - The cache is written at exit, after the run compiled the functions it needed. A later run that
 *   needs code the cache lacks (the first call answered by a window, a later one decided locally)
 *   says so through `globalThis.__airlockHookCompiled`, and the cache is written again, covering both.
 */
export const LOADER_SCRIPT = `'use strict';
// Airlock's hook loader, written by Airlock beside its launcher: node airlock-hook-loader.js BUNDLE ARGS...
const fs = require('fs');
const path = require('path');
const vm = require('vm');
const Module = require('module');
const { isAscii } = require('buffer');
// The flags the hook sets (hookCommand.ts), set before compiling: V8 rejects a code cache made under
// other flags, and the cache is written at exit, after the hook set them.
require('v8').setFlagsFromString('--liftoff-only');
require('v8').setFlagsFromString('--wasm-lazy-compilation');
const [bundle, ...args] = process.argv.slice(2);
const stat = fs.statSync(bundle);
let name = 0x811c9dc5;
for (let i = 0; i < bundle.length; i++) name = Math.imul(name ^ bundle.charCodeAt(i), 0x01000193) >>> 0;
const key = [name.toString(16), stat.size, stat.mtimeMs, process.version, process.arch].join('-').replace(/[^\\w.-]/g, '_');
const cacheDir = path.join(__dirname, 'cache');
// A cache file is KEY.PARTS.bin, PARTS naming which parts of the hook had run when it was written.
let cacheFile;
let covered = [];
try {
  for (const file of fs.readdirSync(cacheDir)) {
    if (file.startsWith(key + '.') && file.endsWith('.bin')) {
      cacheFile = path.join(cacheDir, file);
      covered = file.slice(key.length + 1, -4).split('+').filter(Boolean);
    }
  }
} catch {}
let cachedData;
try { if (cacheFile) cachedData = fs.readFileSync(cacheFile); } catch {}
const bytes = fs.readFileSync(bundle);
let source = bytes.toString(typeof isAscii === 'function' && isAscii(bytes) ? 'latin1' : 'utf8').replace(/^#!.*/, '');
if (source.includes('import(')) {
  // A bundle built before its built-in imports became requires: a script compiled through vm cannot
  // import(), so they are served by require (through a global: the bundle may shadow its require).
  const builtins = new Set(Module.builtinModules);
  source = source.replace(/\\bimport\\((["'])([^"']+)\\1\\)/g, (all, quote, id) =>
    builtins.has(id.replace(/^node:/, '')) ? 'Promise.resolve(globalThis.__airlockHookRequire(' + quote + id + quote + '))' : all);
}
const script = new vm.Script(Module.wrap(source), { filename: bundle, cachedData });
const rejected = !cachedData || script.cachedDataRejected;
process.once('exit', () => {
  const ran = ['base', ...(Array.isArray(globalThis.__airlockHookCompiled) ? globalThis.__airlockHookCompiled : [])];
  const parts = rejected ? ran : [...new Set([...covered, ...ran])];
  if (!rejected && parts.length === covered.length) return;
  try {
    fs.mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
    const temp = path.join(cacheDir, key + '.' + process.pid + '.tmp');
    fs.writeFileSync(temp, script.createCachedData());
    fs.renameSync(temp, path.join(cacheDir, key + '.' + parts.sort().join('+') + '.bin'));
    for (const old of fs.readdirSync(cacheDir)) {
      if (old !== key + '.' + parts.join('+') + '.bin' && !old.endsWith('.tmp')) fs.unlinkSync(path.join(cacheDir, old));
    }
  } catch {}
});
const mod = new Module(bundle, null);
mod.filename = bundle;
mod.paths = Module._nodeModulePaths(path.dirname(bundle));
process.argv = [process.argv[0], bundle, ...args];
globalThis.__airlockHookRequire = (id) => mod.require(id);
script.runInThisContext()(mod.exports, (id) => mod.require(id), mod, bundle, path.dirname(bundle));
`;
