import { defineConfig } from 'vitest/config';

/**
 * Four projects: unit (pure code), integration (against DynamoDB Local, s3rver and
 * aws-ses-v2-local, started once by globalSetup), infra (CDK synth + cdk-nag) and
 * e2e (boots the whole local stack as `npm start` does).
 */
export default defineConfig({
  test: {
    testTimeout: 30_000,
    env: { POWERTOOLS_LOG_LEVEL: 'SILENT' },
    hookTimeout: 120_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          setupFiles: ['test/support/setup-aws.ts'],
        },
      },
      { extends: true, test: { name: 'infra', include: ['test/infra/**/*.test.ts'], testTimeout: 300_000 } },
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], testTimeout: 120_000 } },
    ],
  },
});
