import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', '.local/', 'coverage/'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error'],
    },
  },
  {
    // Runtime code takes zod from shared/zod.ts: zod/mini, with the English messages problem+json bodies carry (docs/bundles.md).
    files: ['shared/**', 'functions/**', 'events/**', 'infra/**'],
    ignores: ['shared/zod.ts', 'infra/aws/zod-v4/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '^zod(/|$)', message: 'Import z from shared/zod.ts (zod/mini with its locale set).' }] }],
    },
  },
  {
    // The local runtime, CLIs, tests and benchmarks talk to a terminal.
    files: ['infra/local/**', 'bench/**', 'test/**'],
    rules: { 'no-console': 'off' },
  },
);
