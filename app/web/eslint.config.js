// ESLint for the SPA: the recommended rules of eslint, react, react-hooks and
// jsx-a11y, and the layering of bulletproof-react as an import rule:
//
//   app/  →  features/<one feature>  →  components/, lib/, utils/, testing/
//
// A feature imports only itself and the shared folders; pages that need
// several features are composed in app/. Shared folders import no feature and
// not app/. Formatting is Prettier's (`npm run format:check`), not ESLint's.
import js from '@eslint/js';
import globals from 'globals';
import react from 'eslint-plugin-react';
import reactHooks from 'eslint-plugin-react-hooks';
import jsxA11y from 'eslint-plugin-jsx-a11y';
import importPlugin from 'eslint-plugin-import';

const FEATURES = ['auth', 'calendar', 'clients', 'join', 'video-sessions'];

const featureZones = FEATURES.map((feature) => ({
  target: `./src/features/${feature}`,
  from: './src/features',
  except: [`./${feature}`],
  message: 'A feature does not import another feature: compose them in src/app.',
}));

export default [
  { ignores: ['dist/', 'node_modules/'] },
  js.configs.recommended,
  react.configs.flat.recommended,
  react.configs.flat['jsx-runtime'],
  reactHooks.configs.flat.recommended,
  jsxA11y.flatConfigs.recommended,
  {
    files: ['**/*.{js,jsx}'],
    plugins: { import: importPlugin },
    languageOptions: {
      ecmaVersion: 'latest',
      sourceType: 'module',
      globals: { ...globals.browser },
      parserOptions: { ecmaFeatures: { jsx: true } },
    },
    settings: {
      react: { version: 'detect' },
      'import/resolver': { node: { extensions: ['.js', '.jsx'] } },
    },
    rules: {
      // Props are documented where each component is defined; the app has no PropTypes.
      'react/prop-types': 'off',
      // `role` is also a prop of our own components (the viewer: partner or
      // client); the ARIA check applies to DOM elements only.
      'jsx-a11y/aria-role': ['error', { ignoreNonDOM: true }],
      'no-unused-vars': ['error', { argsIgnorePattern: '^_', caughtErrors: 'none' }],
      // vite and its React plugin publish only ESM "exports", which the
      // import plugin's resolver cannot follow; Vite itself resolves them.
      'import/no-unresolved': ['error', { ignore: ['^vite$', '^@vitejs/plugin-react$'] }],
      'import/named': 'error',
      'import/first': 'error',
      'import/no-duplicates': 'error',
      'import/no-cycle': 'error',
      'import/no-restricted-paths': [
        'error',
        {
          zones: [
            ...featureZones,
            {
              target: './src/features',
              from: './src/app',
              message: 'Features do not import from src/app: the app composes features, not the other way round.',
            },
            {
              target: ['./src/components', './src/lib', './src/utils'],
              from: ['./src/features', './src/app'],
              message: 'Shared code does not import features or the app.',
            },
          ],
        },
      ],
    },
  },
  {
    // The build and test configuration run in Node.
    files: ['*.config.js'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['src/**/*.test.{js,jsx}', 'src/testing/**'],
    languageOptions: { globals: { ...globals.node } },
  },
];
