// Lint: typescript-eslint's recommended rules, plus the one-way dependency rules of
// docs/architecture.md (DESIGN §1), checked on every import.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Folders each part must not import from. */
const FORBIDDEN = {
  api: ['galley', 'pilot', 'citadel', 'xds', 'proxy', 'agent', 'interception', 'local', 'cli'],
  xds: ['galley', 'pilot', 'citadel', 'proxy', 'agent', 'interception', 'local', 'cli'],
  galley: ['pilot', 'citadel', 'xds', 'proxy', 'agent', 'interception', 'local', 'cli'],
  pilot: ['proxy', 'agent', 'interception', 'local', 'cli'],
  citadel: ['pilot', 'proxy', 'agent', 'interception', 'local', 'cli'],
  proxy: ['galley', 'pilot', 'citadel', 'local', 'cli'],
  agent: ['galley', 'pilot', 'citadel', 'local', 'cli'],
  interception: ['galley', 'pilot', 'citadel', 'local', 'cli'],
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
  { ignores: ['dist/', 'node_modules/', 'src/api/generated/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  ...boundaries,
);
