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
    // The local runtime, CLIs, tests and benchmarks talk to a terminal.
    files: ['infra/local/**', 'bench/**', 'test/**'],
    rules: { 'no-console': 'off' },
  },
);
