import type { TestProject } from 'vitest/node';
import { startLocalAws } from '../../infra/local/aws-services';

/** One set of local AWS servers for the whole integration run (a JVM per file would not fit 2 cores). */
export default async function setup(project: TestProject) {
  const aws = await startLocalAws();
  project.provide('awsEnv', aws.env);
  return () => aws.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    awsEnv: Record<string, string>;
  }
}
