import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readConfig } from './config';
import { ApiStack } from './api-stack';
import { applyNagSuppressions } from './nag-suppressions';
import { backupAslPath } from './paths';
import { StatefulStack } from './stateful-stack';
import { StatelessStack } from './stateless-stack';

export interface BuildAppOptions {
  /** CDK context; the CLI passes cdk.json's through the environment, tests pass it here. */
  readonly context?: Record<string, unknown>;
  /** Defaults to `shared/wiring/backup.asl.json`. */
  readonly backupAslPath?: string;
}

/** The whole AWS app, checked by cdk-nag: `cdk synth` and the infra tests build exactly this. */
export function buildApp(options: BuildAppOptions = {}) {
  const app = new App({ context: options.context });
  const config = readConfig(app.node);
  // Environment-agnostic unless the CLI knows the account: synth never needs AWS credentials.
  const env = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };

  const stateful = new StatefulStack(app, 'ProgressClaims-Stateful', {
    env,
    config,
    description: 'Progress claims: table, bucket, user pool, SES identity',
  });
  const stateless = new StatelessStack(app, 'ProgressClaims-Stateless', {
    env,
    config,
    stateful,
    backupAslPath: options.backupAslPath ?? backupAslPath,
    description: 'Progress claims: functions, event bus, schedules, backup workflow',
  });
  // The API's routes in a stack of its own: with them, the stateless stack neared CloudFormation's 500 resources.
  const api = new ApiStack(app, 'ProgressClaims-Api', {
    env,
    httpApi: stateless.httpApi,
    authorizer: stateless.apiAuthorizer,
    functions: stateless.functions,
    description: 'Progress claims: HTTP API routes (JWT authorizer, integrations, invoke permissions)',
  });

  // cdk-nag 3 is a validation plugin: synth fails on any finding that is not acknowledged.
  const nag = new AwsSolutionsChecks(app, { verbose: true });
  Validations.of(app).addPlugins(nag);
  applyNagSuppressions(stateful, stateless, api);
  return { app, stateful, stateless, api, nag };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildApp().app.synth();
}
