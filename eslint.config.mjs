// Lint enforces the layer rules of STYLE.md: `core <- protocol <- host <- {extension, server, cli}`,
// `protocol <- webview`, only `src/extension` may import `vscode`, and no import cycles anywhere.
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';

const layer = (files, banned, message) => ({
  files,
  rules: {
    'no-restricted-imports': [
      'error',
      {
        paths: [{ name: 'vscode', message: 'Only src/extension may import vscode.' }],
        patterns: banned.map((group) => ({ group: [group], message })),
      },
    ],
  },
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'out/**', '.e2e-cache/**', '**/*.mjs', '**/*.js'] },
  ...tseslint.configs.recommended,
  {
    files: ['src/**/*.ts', 'test/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver': { node: { extensions: ['.ts', '.js'] } } },
    rules: {
      'import-x/no-cycle': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'No default exports.' }],
    },
  },
  layer(['src/core/**/*.ts'], ['**/protocol/**', '**/host/**', '**/extension/**', '**/server/**', '**/cli/**', '**/webview/**'],
    'src/core depends on nothing else in src.'),
  layer(['src/protocol/**/*.ts'], ['**/host/**', '**/extension/**', '**/server/**', '**/cli/**', '**/webview/**'],
    'src/protocol may import only src/core.'),
  layer(['src/host/**/*.ts'], ['**/extension/**', '**/server/**', '**/cli/**', '**/webview/**'],
    'src/host may import only src/core and src/protocol.'),
  layer(['src/cli/**/*.ts'], ['**/extension/**', '**/server/**', '**/webview/**'],
    'The entry layers never import each other.'),
  layer(['src/server/**/*.ts'], ['**/extension/**', '**/cli/**', '**/webview/**'],
    'The entry layers never import each other.'),
  layer(['src/webview/**/*.ts'], ['**/core/**', '**/host/**', '**/extension/**', '**/server/**', '**/cli/**'],
    'Webview bundles may import only src/protocol.'),
  {
    files: ['src/extension/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/cli/**', '**/server/**', '**/webview/**'], message: 'The entry layers never import each other.' }] }],
    },
  },
);
