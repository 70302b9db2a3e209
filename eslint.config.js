import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { facadePlugin } from './build/eslint/facade.js';
import { layersPlugin } from './build/eslint/layers.js';

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly' },
    },
  },
  {
    files: ['src-main/**/*.ts', 'src-renderer/**/*.{ts,tsx}'],
    plugins: { causa: layersPlugin },
    rules: {
      'causa/layers': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // A store selector that answers a fresh [] or {} gives React a new snapshot at every render, and React
    // loops until it gives up (error #185): wrap it in useShallow, or answer a constant.
    files: ['src-renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "CallExpression[callee.name=/^use(?!Shallow|Memo|Callback|Effect|State|Ref)[A-Z]/] > ArrowFunctionExpression > LogicalExpression[operator='??'] > :matches(ArrayExpression, ObjectExpression)",
          message: 'A store selector must not answer a fresh array or object (React error #185): wrap it in useShallow.',
        },
      ],
    },
  },
  {
    files: ['src-main/**/*.ts'],
    plugins: { 'causa-facade': facadePlugin },
    rules: { 'causa-facade/no-store': 'error' },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
);
