// Builds every bundle Airlock ships: the extension (node, cjs, `vscode` external), the `airlock` CLI,
// and the engine library the benchmarks and evaluation load in-process. `--production` minifies.
// The tree-sitter WASM files are copied beside the bundles; `src/host/grammar.ts` looks for them there.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, chmodSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const production = process.argv.includes('--production');

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  outdir: 'dist',
  external: ['vscode'],
  // web-tree-sitter is an ES module that locates itself with `import.meta.url`; in a CommonJS bundle
  // that must be derived from `__filename`.
  define: { 'import.meta.url': '__airlockImportMetaUrl' },
  banner: { js: "const __airlockImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
};

mkdirSync('dist', { recursive: true });
await Promise.all([
  esbuild.build({ ...common, entryPoints: { extension: 'src/extension/extension.ts' } }),
  esbuild.build({
    ...common,
    entryPoints: { cli: 'src/cli/main.ts' },
    banner: { js: `#!/usr/bin/env node\n${common.banner.js}` },
  }),
  esbuild.build({ ...common, entryPoints: { engine: 'src/host/engineLibrary.ts' } }),
  // Webview pages: a browser bundle each, with its stylesheet beside it in the one folder the
  // webviews may load from (`localResourceRoots`).
  esbuild.build({
    bundle: true, platform: 'browser', format: 'iife', target: 'es2022', sourcemap: !production, minify: production, logLevel: 'warning',
    outdir: 'dist/webview',
    entryPoints: [
      { in: 'src/webview/approval/main.ts', out: 'approval' }, { in: 'media/approval.css', out: 'approval' },
      { in: 'src/webview/sidePanel/main.ts', out: 'sidePanel' }, { in: 'media/sidePanel.css', out: 'sidePanel' },
    ],
  }),
]);
chmodSync('dist/cli.js', 0o755);

for (const wasm of ['web-tree-sitter/tree-sitter.wasm', 'tree-sitter-bash/tree-sitter-bash.wasm']) {
  copyFileSync(require.resolve(wasm), `dist/${wasm.split('/').pop()}`);
}
