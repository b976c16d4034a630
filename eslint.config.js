// Lint: typescript-eslint's recommended rules, plus the one-way dependency rules of
// docs/architecture.md (DESIGN §1), checked on every import.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Folders each part must not import from. */
const FORBIDDEN = {
  log: ['security', 'api', 'galley', 'pilot', 'citadel', 'xds', 'proxy', 'agent', 'interception', 'local', 'cli', 'control-plane'],
  api: ['security', 'log', 'galley', 'pilot', 'citadel', 'xds', 'proxy', 'agent', 'interception', 'local', 'cli', 'control-plane'],
  xds: ['security', 'galley', 'pilot', 'citadel', 'proxy', 'agent', 'interception', 'local', 'cli', 'control-plane'],
  galley: ['pilot', 'citadel', 'xds', 'proxy', 'agent', 'interception', 'local', 'cli', 'control-plane'],
  pilot: ['proxy', 'agent', 'interception', 'local', 'cli', 'control-plane'],
  citadel: ['pilot', 'proxy', 'agent', 'interception', 'local', 'cli', 'control-plane'],
  proxy: ['galley', 'pilot', 'citadel', 'agent', 'local', 'cli', 'control-plane'],
  security: ['galley', 'pilot', 'citadel', 'proxy', 'agent', 'interception', 'local', 'cli', 'control-plane'],
  agent: ['galley', 'pilot', 'citadel', 'local', 'cli', 'control-plane'],
  interception: ['galley', 'pilot', 'citadel', 'local', 'cli', 'control-plane'],
  'control-plane': ['proxy', 'agent', 'interception', 'local', 'cli'],
  local: ['cli'],
};

const boundaries = Object.entries(FORBIDDEN).map(([part, banned]) => ({
  files: [`src/${part}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: banned.map((b) => ({
          group: [`**/${b}/*`, `**/${b}`],
          message: `src/${part} must not depend on src/${b} (see docs/architecture.md, dependency rules).`,
        })),
      },
    ],
  },
}));

export default tseslint.config(
  { ignores: ['dist/', 'dist-*/', 'node_modules/', 'src/api/generated/', 'src/xds/generated/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: 'ImportExpression', message: 'Use static imports, so that the dependency rules can check them.' },
      ],
    },
  },
  ...boundaries,
);
