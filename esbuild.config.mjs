// Builds every bundle Airlock ships: the extension (node, cjs, `vscode` external), the `airlock` CLI,
// and the engine library the benchmarks and evaluation load in-process. `--production` minifies.
// The tree-sitter WASM files are copied beside the bundles; `src/host/grammar.ts` looks for them there.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, chmodSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
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

// node-sql-parser's dialect builds are 1.3 MB of each 2.1 MB bundle but are needed only when an action
// holds SQL. Each is bundled into its own file beside the bundles and required on first use, so the
// agent hook (a fresh process for every tool call) does not read it every time.
const SQL_BUILDS = ['postgresql', 'mysql', 'sqlite'];
const sqlBuildsApart = {
  name: 'sql-builds-apart',
  setup(build) {
    build.onResolve({ filter: /^node-sql-parser\/build\/(postgresql|mysql|sqlite)$/ }, (args) => ({ path: `./sql-${args.path.split('/').pop()}.js`, external: true }));
  },
};
// web-tree-sitter loads Node built-ins with `await import()`, which a script the hook loader compiles
// with a V8 code cache (vm.Script) cannot run; `require` of a built-in gives the same exports. The
// banner keeps the module wrapper's `require` under a name the grammar's own `var require` cannot shadow.
const builtinImportsAsRequire = {
  name: 'builtin-imports-as-require',
  setup(build) {
    build.onLoad({ filter: /web-tree-sitter[\\/]tree-sitter\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const rewritten = source.replace(/\bawait import\((["'])(module|fs\/promises)\1\)/g, (_, quote, name) => `__airlockRequire(${quote}node:${name}${quote})`);
      if (rewritten === source) throw new Error(`${args.path}: no built-in import() found to rewrite; check the hook loader still works with this web-tree-sitter`);
      return { contents: rewritten, loader: 'js' };
    });
  },
};
common.plugins = [sqlBuildsApart, builtinImportsAsRequire];
common.banner = { js: `${common.banner.js}\nconst __airlockRequire = require;` };

mkdirSync('dist', { recursive: true });
await Promise.all([
  esbuild.build({ ...common, entryPoints: { extension: 'src/extension/extension.ts' } }),
  esbuild.build({
    ...common,
    entryPoints: { cli: 'src/cli/main.ts' },
    banner: { js: `#!/usr/bin/env node\n${common.banner.js}` },
  }),
  esbuild.build({ ...common, entryPoints: { engine: 'src/host/engineLibrary.ts' } }),
  // What the agent hook launcher runs: `airlock hook` alone, its engine initialized only when no window answers.
  esbuild.build({ ...common, entryPoints: { hook: 'src/cli/hookMain.ts' } }),
  // What one-shot shell guard calls run through the loader (src/host/shellGuard/guardLoader.ts): `airlock guard` alone.
  esbuild.build({ ...common, entryPoints: { guard: 'src/cli/guardMain.ts' } }),
  // What VS Code runs once the extension is uninstalled (package.json `vscode:uninstall`).
  esbuild.build({ ...common, entryPoints: { uninstall: 'src/cli/uninstallMain.ts' } }),
  ...SQL_BUILDS.map((dialect) => esbuild.build({ ...common, plugins: [], entryPoints: { [`sql-${dialect}`]: require.resolve(`node-sql-parser/build/${dialect}`) } })),
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
