import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'dashboard/dist/**', 'test-output/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', setImmediate: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'error',
      eqeqeq: ['error', 'always'],
    },
  },
  // The dashboard runs in the browser (dashboard/scripts and vite.config.ts run in Node, as above).
  {
    files: ['dashboard/src/**'],
    languageOptions: {
      globals: { window: 'readonly', document: 'readonly', navigator: 'readonly', location: 'readonly', history: 'readonly', fetch: 'readonly', crypto: 'readonly', performance: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly', URLSearchParams: 'readonly', AbortController: 'readonly', DOMException: 'readonly', Blob: 'readonly', atob: 'readonly', btoa: 'readonly', requestAnimationFrame: 'readonly', MediaStream: 'readonly', HTMLElement: 'readonly' },
    },
  },
  // The command line speaks to a person on a terminal: printing is its job.
  { files: ['server/cli/**', 'server/demo/demo-command.ts', 'test/**'], rules: { 'no-console': 'off' } },
);
