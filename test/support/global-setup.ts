import type { TestProject } from 'vitest/node';
import { startLocalAws } from '../../infra/local/aws-services';
import { startLocalIdentityProvider } from '../../infra/local/identity-provider';

/** One set of local AWS servers for the whole integration run (a JVM per file would not fit 2 cores). */
export default async function setup(project: TestProject) {
  const aws = await startLocalAws();
  const userPool = await startLocalIdentityProvider();
  project.provide('awsEnv', {
    ...aws.env,
    // Invitations (shared/identity.ts) go to the local user pool through the SDK's own variable.
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: userPool.endpoint,
    USER_POOL_ID: userPool.userPoolId,
  });
  return async () => {
    await userPool.stop();
    await aws.stop();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    awsEnv: Record<string, string>;
  }
}
