import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { Stack, Stage, type CfnElement } from 'aws-cdk-lib';
import type { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/aws/app';
import { docusignSecretReaders } from '../../infra/aws/stateless-stack';
import { backupAslPath, repoRoot } from '../../infra/aws/paths';
import { tableDefinition } from '../../shared/db/table';
import { docsAssetsFolder, swaggerUiFiles } from '../../shared/http/docs-page';
import { backupExecutionEndedRule, eventRules } from '../../shared/wiring/event-rules';
import {
  functionArnPlaceholder,
  functions,
  type FunctionDefinition,
  type FunctionName,
  type Grant,
} from '../../shared/wiring/functions';
import { routes } from '../../shared/wiring/routes';
import { schedulerInput, schedules, toSchedulerExpression } from '../../shared/wiring/schedules';

type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string };
type Statement = { Effect: string; Action: string | string[]; Resource: unknown };

/** Lambda functions CDK adds on its own (custom-resource providers). None: log groups are explicit, nothing auto-deletes. */
const cdkInternalFunctions = 0;
/** The service each grant opens; a function's role may reach no other data service. */
const grantServices: Record<Grant, string> = {
  'table:read': 'dynamodb',
  'table:write': 'dynamodb',
  'bucket:read': 's3',
  'bucket:write': 's3',
  'events:put': 'events',
  'email:send': 'ses',
  'backup:start': 'states',
  'identity:invite': 'cognito-idp',
  'pdf:render': 'lambda',
};
const functionNames = Object.keys(functions) as FunctionName[];
/** Functions Lambda invokes asynchronously: the targets of event rules and of schedules. */
const asyncTargets = [
  ...new Set<FunctionName>([...eventRules.map((r) => r.target), backupExecutionEndedRule.target, ...schedules.map((s) => s.target)]),
];
/** What SqsDestination grants a function on its own on-failure queue. */
const sqsSendActions = ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'];

let built: ReturnType<typeof buildApp>;
let stateful: Template;
let stateless: Template;
let api: Template;

beforeAll(() => {
  // The same context `cdk synth` reads from cdk.json, so tests and CLI build the same templates.
  const cdkJson = JSON.parse(readFileSync(path.join(repoRoot, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> };
  built = buildApp({ context: cdkJson.context });
  // Synth runs the cdk-nag validation plugin and throws its report on any unacknowledged finding.
  stateful = Template.fromStack(built.stateful);
  stateless = Template.fromStack(built.stateless);
  api = Template.fromStack(built.api);
}, 300_000);

const logicalId = (construct: IConstruct): string =>
  Stack.of(construct).getLogicalId((construct.node.defaultChild ?? construct) as CfnElement);
const getAtt = (construct: IConstruct, attribute = 'Arn') => ({ 'Fn::GetAtt': [logicalId(construct), attribute] });
/** A stateless stack's attribute as the API stack reads it: through the export CDK makes for it. */
const importedArn = (construct: IConstruct, attribute = 'Arn') => ({
  'Fn::ImportValue': expect.stringContaining(`${logicalId(construct)}${attribute}`),
});
const resourcesOf = (template: Template, type: string) => Object.entries(template.findResources(type)) as [string, Resource][];
const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);
/** A stateless stack's resource id as the API stack reads it. */
const importedRef = (construct: IConstruct) => ({ 'Fn::ImportValue': expect.stringContaining(`ExportsOutputRef${logicalId(construct)}`) });
const key = (value: unknown): string => JSON.stringify(value);
const hasAction = (statement: Statement, prefix: string) => asArray(statement.Action).some((action) => action.startsWith(prefix));

/** Every statement of every policy attached to a role. */
function roleStatements(roleLogicalId: string): Statement[] {
  return resourcesOf(stateless, 'AWS::IAM::Policy')
    .filter(([, policy]) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([{ Ref: roleLogicalId }]))
    .flatMap(([, policy]) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}
const functionResource = (name: FunctionName): Resource =>
  stateless.toJSON().Resources[logicalId(built.stateless.functions[name])] as Resource;
const functionRole = (name: FunctionName): string => {
  const role = built.stateless.functions[name].role;
  if (!role) throw new Error(`${name} has no role`);
  return logicalId(role);
};

describe('stateful stack', () => {
  it('builds the table from tableDefinition(): keys, indexes, PITR, deletion protection, TTL, retained', () => {
    const definition = tableDefinition();
    const keySchema = (partitionKey: string, sortKey: string) => [
      { AttributeName: partitionKey, KeyType: 'HASH' },
      { AttributeName: sortKey, KeyType: 'RANGE' },
    ];
    stateful.resourceCountIs('AWS::DynamoDB::GlobalTable', 1);
    stateful.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: keySchema(definition.partitionKey, definition.sortKey),
        GlobalSecondaryIndexes: definition.globalIndexes.map((index) =>
          Match.objectLike({ IndexName: index.indexName, KeySchema: keySchema(index.partitionKey, index.sortKey) }),
        ),
        TimeToLiveSpecification: { AttributeName: definition.ttlAttribute, Enabled: true },
        Replicas: [
          Match.objectLike({
            DeletionProtectionEnabled: true,
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          }),
        ],
      }),
    });
  });

  it('keeps the bucket private, encrypted, versioned, logged, TLS-only, with backups/ expiring after 30 days', () => {
    const bucketId = logicalId(built.stateful.bucket);
    const bucket = stateful.toJSON().Resources[bucketId] as Resource;
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.Properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: { DestinationBucketName: { Ref: logicalId(built.stateful.accessLogsBucket) } },
      CorsConfiguration: {
        CorsRules: [{ AllowedMethods: ['PUT', 'POST'], AllowedOrigins: ['https://app.example.com'] }],
      },
      LifecycleConfiguration: {
        Rules: expect.arrayContaining([
          expect.objectContaining({ Prefix: 'backups/', ExpirationInDays: 30, Status: 'Enabled' }),
          expect.objectContaining({
            NoncurrentVersionExpiration: { NoncurrentDays: 30 },
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
          }),
        ]),
      },
    });
    stateful.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('has a user pool with email sign-in, a strong password policy and optional TOTP MFA; SES identity and configuration set', () => {
    stateful.hasResourceProperties('AWS::Cognito::UserPool', {
      UsernameAttributes: ['email'],
      MfaConfiguration: 'OPTIONAL',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      Policies: {
        PasswordPolicy: Match.objectLike({ RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: true }),
      },
    });
    stateful.hasResourceProperties('AWS::Cognito::UserPoolClient', { GenerateSecret: false });
    stateful.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: 'example.com',
      ConfigurationSetAttributes: { ConfigurationSetName: { Ref: logicalId(built.stateful.configurationSet) } },
    });
  });

  it('has no Lambda functions', () => {
    stateful.resourceCountIs('AWS::Lambda::Function', 0);
  });
});

describe('functions', () => {
  it('are exactly one per declaration (plus no CDK-internal ones), Node.js 22 on arm64', () => {
    stateless.resourceCountIs('AWS::Lambda::Function', functionNames.length + cdkInternalFunctions);
    for (const name of functionNames) {
      const definition: FunctionDefinition = functions[name];
      expect(functionResource(name).Properties, name).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        MemorySize: definition.memoryMb ?? 1024,
        Timeout: definition.timeoutSeconds ?? 10,
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogGroup: { Ref: logicalId(built.stateless.node.findChild(`${name}LogGroup`)) } },
        Role: { 'Fn::GetAtt': [functionRole(name), 'Arn'] },
        Environment: {
          Variables: {
            TABLE_NAME: expect.anything(),
            BUCKET_NAME: expect.anything(),
            EVENT_BUS_NAME: { Ref: logicalId(built.stateless.eventBus) },
            EMAIL_FROM: 'billing@example.com',
            SES_CONFIGURATION_SET: expect.anything(),
            FRONTEND_BASE_URL: 'https://app.example.com',
            POWERTOOLS_SERVICE_NAME: 'progress-claims',
            POWERTOOLS_LOG_LEVEL: 'INFO',
            NODE_OPTIONS: '--enable-source-maps',
          },
        },
      });
    }
  });

  it('bundle non-ASCII characters as they are (bundleCharset), as the budget test measures them', () => {
    const code = built.stateless.functions.backupCombine.node.findChild('Code') as Asset;
    const bundle = readFileSync(path.join(Stage.of(built.stateless)!.outdir, code.assetPath, 'index.mjs'), 'utf8');
    // ASCII output (esbuild's default) escapes every one: its dashes, fontkit's and bidi-js's tables.
    // A boolean: a failed toMatch would print the whole bundle.
    expect(/[^\x00-\x7f]/.test(bundle), 'non-ASCII characters written as they are').toBe(true);
  });

  it('ship the Swagger UI files beside the docs function only', () => {
    const bundleFolder = (name: FunctionName) => {
      const code = built.stateless.functions[name].node.findChild('Code') as Asset;
      return path.join(Stage.of(built.stateless)!.outdir, code.assetPath);
    };
    for (const name of functionNames) {
      const shipped = existsSync(path.join(bundleFolder(name), docsAssetsFolder))
        ? readdirSync(path.join(bundleFolder(name), docsAssetsFolder)).sort()
        : [];
      expect(shipped, name).toEqual(name === 'docs' ? [...swaggerUiFiles].sort() : []);
    }
  });

  it('get the PDF font layer (and PDF_TOOLS_DIR) only when they render PDFs', () => {
    const [layer, ...others] = resourcesOf(stateless, 'AWS::Lambda::LayerVersion');
    expect(others).toHaveLength(0);
    for (const name of functionNames) {
      const definition: FunctionDefinition = functions[name];
      const { Layers, Environment } = functionResource(name).Properties as { Layers?: unknown[]; Environment: { Variables: Record<string, unknown> } };
      if (definition.rendersPdf) {
        expect(Layers, name).toEqual([{ Ref: layer![0] }]);
        expect(Environment.Variables.PDF_TOOLS_DIR, name).toBe('/opt');
      } else {
        expect(Layers, name).toBeUndefined();
        expect(Environment.Variables.PDF_TOOLS_DIR, name).toBeUndefined();
      }
    }
  });

  it('see the state machine ARN only when granted backup:start', () => {
    for (const name of functionNames) {
      const grants: readonly Grant[] = functions[name].grants;
      const variables = functionResource(name).Properties.Environment as { Variables: Record<string, unknown> };
      expect('BACKUP_STATE_MACHINE_ARN' in variables.Variables, name).toBe(grants.includes('backup:start'));
    }
  });

  it('have least privilege: data-service actions only for their grants, logs only to their own log group', () => {
    for (const name of functionNames) {
      const statements = roleStatements(functionRole(name));
      const services = new Set(statements.flatMap((s) => asArray(s.Action)).map((action) => action.split(':')[0]));
      const granted = new Set(functions[name].grants.map((grant: Grant) => grantServices[grant]));
      // Async targets may also send to their own on-failure queue, and to no other queue; so may the
      // outbox dispatcher, to the on-failure queue of its stream mapping.
      const isAsyncTarget = asyncTargets.includes(name);
      const ownQueue = isAsyncTarget
        ? (built.stateless.asyncFailureQueues.get(name) as IConstruct)
        : name === 'outboxDispatcher'
          ? built.stateless.outboxFailureQueue
          : undefined;
      // Functions serving authenticated GETs (the lists) read the cursor key's secret.
      const readsCursorSecret = routes.some((route) => route.function === name && route.method === 'GET' && route.auth === 'jwt');
      // The PDF renderer seals signed invoices with the company's certificate, kept in Secrets Manager.
      // …and the DocuSign consumer and the Connect route (signatures) read the company's DocuSign secrets.
      const readsSigningCertificates = name === 'renderInvoicePdf' || (docusignSecretReaders as readonly string[]).includes(name);
      const extra = [...(ownQueue ? ['sqs'] : []), ...(readsCursorSecret || readsSigningCertificates ? ['secretsmanager'] : [])];
      expect([...services].sort(), name).toEqual([...new Set(['logs', 'xray', ...granted, ...extra])].sort());
      const sqs = statements.filter((s) => hasAction(s, 'sqs:'));
      expect([...new Set(sqs.flatMap((s) => asArray(s.Action)))].sort(), name).toEqual(ownQueue ? sqsSendActions : []);
      expect(
        sqs.flatMap((s) => asArray(s.Resource)),
        name,
      ).toEqual(ownQueue ? [getAtt(ownQueue)] : []);
      const logs = statements.filter((s) => asArray(s.Action).some((action) => action.startsWith('logs:')));
      expect(logs.map((s) => s.Resource), name).toEqual([getAtt(built.stateless.node.findChild(`${name}LogGroup`))]);
      expect(statements.every((s) => s.Effect === 'Allow')).toBe(true);
      // Only X-Ray, which has no resource-level permissions, may use Resource '*'.
      const unscoped = statements.filter((s) => asArray(s.Resource).includes('*')).flatMap((s) => asArray(s.Action));
      expect(unscoped.filter((action) => !action.startsWith('xray:')), name).toEqual([]);
    }
    // The declared functions with no grants exist, so the check above is not vacuous.
    expect(functionNames.filter((name) => functions[name].grants.length === 0).length).toBeGreaterThan(0);
  });
});

describe('HTTP API', () => {
  it('has its routes in a stack of their own, the API (its URL) where it always was, every stack well under 500 resources', () => {
    // The API and its stage stay in the stateless stack: moving the routes did not replace the API or change its URL.
    stateless.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    stateless.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
    api.resourceCountIs('AWS::ApiGatewayV2::Api', 0);
    api.resourceCountIs('AWS::ApiGatewayV2::Stage', 0);
    for (const type of ['Route', 'Integration']) stateless.resourceCountIs(`AWS::ApiGatewayV2::${type}`, 0);
    // The logical ids they had before the routes moved: CloudFormation keeps the same API, stage and authorizer.
    expect(Object.keys(stateless.findResources('AWS::ApiGatewayV2::Api'))).toEqual(['HttpApiF5A9A8A7']);
    expect(Object.keys(stateless.findResources('AWS::ApiGatewayV2::Stage'))).toEqual(['HttpApiDefaultStage3EEB07D6']);
    expect(Object.keys(stateless.findResources('AWS::ApiGatewayV2::Authorizer'))).toEqual(['HttpApiCognitoAuthorizer935FA0F6']);
    // The API's invoke permissions are the API stack's (rules and the workflow keep theirs here).
    expect(Object.keys(stateless.findResources('AWS::Lambda::Permission', { Properties: { Principal: 'apigateway.amazonaws.com' } }))).toEqual([]);
    // Through the stateless stack only (the authorizer, which reads the user pool, stays with the API).
    expect(built.api.dependencies).toEqual([built.stateless]);
    // Room for new functions (~5 resources each) and routes (1 each): CloudFormation refuses a stack over 500.
    for (const template of [stateful, stateless, api]) {
      expect(Object.keys(template.toJSON().Resources).length).toBeLessThanOrEqual(450);
    }
  });

  it('has one route per route table entry, JWT exactly where declared, one integration per function', () => {
    api.resourceCountIs('AWS::ApiGatewayV2::Route', routes.length);
    const routeResources = resourcesOf(api, 'AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties);
    const integrations = Object.fromEntries(
      resourcesOf(api, 'AWS::ApiGatewayV2::Integration').map(([id, r]) => [id, r.Properties]),
    );
    for (const route of routes) {
      const resource = routeResources.find((r) => r.RouteKey === `${route.method} ${route.path}`);
      expect(resource, route.operationId).toBeDefined();
      expect(resource?.AuthorizationType, route.operationId).toBe(route.auth === 'jwt' ? 'JWT' : 'NONE');
      expect(resource?.AuthorizerId, route.operationId).toEqual(route.auth === 'jwt' ? importedRef(built.stateless.httpApi.node.findChild('CognitoAuthorizer')) : undefined);
      expect(resource?.ApiId, route.operationId).toEqual(importedRef(built.stateless.httpApi));
      const target = resource?.Target as { 'Fn::Join': [string, [string, { Ref: string }]] };
      const integration = integrations[target['Fn::Join'][1][1].Ref];
      expect(integration?.IntegrationUri, route.operationId).toEqual(importedArn(built.stateless.functions[route.function]));
    }
    api.resourceCountIs('AWS::ApiGatewayV2::Integration', new Set(routes.map((r) => r.function)).size);
  });

  it('lets API Gateway invoke each integrated function from this API only, one permission per function', () => {
    const integrated = [...new Set(routes.map((r) => r.function))];
    const permissions = resourcesOf(api, 'AWS::Lambda::Permission').map(([, p]) => p.Properties);
    expect(permissions).toHaveLength(integrated.length);
    for (const name of integrated) {
      const own = permissions.filter((p) => key(p.FunctionName).includes(`${logicalId(built.stateless.functions[name])}Arn`));
      expect(own, name).toHaveLength(1);
      expect(own[0], name).toMatchObject({ Action: 'lambda:InvokeFunction', Principal: 'apigateway.amazonaws.com' });
      expect(JSON.stringify(own[0]!.SourceArn), name).toContain(logicalId(built.stateless.httpApi));
    }
  });

  it('validates JWTs issued by the user pool for its web client', () => {
    const userPoolId = logicalId(built.stateful.userPool);
    const authorizers = resourcesOf(stateless, 'AWS::ApiGatewayV2::Authorizer');
    expect(authorizers).toHaveLength(1);
    const { JwtConfiguration, AuthorizerType } = authorizers[0]![1].Properties as {
      AuthorizerType: string;
      JwtConfiguration: { Issuer: unknown; Audience: unknown[] };
    };
    expect(AuthorizerType).toBe('JWT');
    const issuer = JSON.stringify(JwtConfiguration.Issuer);
    expect(issuer).toMatch(/https:\/\/cognito-idp\./);
    expect(issuer).toContain(`ExportsOutputRef${userPoolId}`);
    expect(JSON.stringify(JwtConfiguration.Audience)).toContain(`ExportsOutputRef${logicalId(built.stateful.userPoolClient)}`);
  });

  it('allows the frontend origin and the headers the API uses; logs and throttles the default stage', () => {
    stateless.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'HTTP',
      CorsConfiguration: Match.objectLike({
        AllowOrigins: ['https://app.example.com'],
        AllowHeaders: ['authorization', 'content-type', 'if-match', 'idempotency-key', 'x-correlation-id'],
        ExposeHeaders: ['etag', 'location', 'x-correlation-id', 'idempotent-replayed', 'retry-after'],
      }),
    });
    stateless.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('requestId') },
      DefaultRouteSettings: { ThrottlingBurstLimit: Match.anyValue(), ThrottlingRateLimit: Match.anyValue() },
    });
  });
});

describe('events and schedules', () => {
  it('has one rule per event rule on the custom bus, with the detail-type pattern, retries and a DLQ', () => {
    // Plus the rule on the default bus for Step Functions' own events about the backup workflow.
    stateless.resourceCountIs('AWS::Events::Rule', eventRules.length + 1);
    stateless.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: Match.absent(),
      EventPattern: {
        source: [backupExecutionEndedRule.source],
        'detail-type': [backupExecutionEndedRule.detailType],
        detail: { status: [...backupExecutionEndedRule.detail.status], stateMachineArn: [{ Ref: logicalId(built.stateless.backupWorkflow) }] },
      },
      Targets: [
        Match.objectLike({
          Arn: getAtt(built.stateless.functions[backupExecutionEndedRule.target]),
          DeadLetterConfig: { Arn: Match.anyValue() },
          RetryPolicy: Match.objectLike({ MaximumRetryAttempts: Match.anyValue() }),
        }),
      ],
    });
    for (const rule of eventRules) {
      stateless.hasResourceProperties('AWS::Events::Rule', {
        EventBusName: { Ref: logicalId(built.stateless.eventBus) },
        EventPattern: { source: [rule.source], 'detail-type': [rule.detailType] },
        Targets: [
          Match.objectLike({
            Arn: getAtt(built.stateless.functions[rule.target]),
            DeadLetterConfig: { Arn: Match.anyValue() },
            RetryPolicy: Match.objectLike({ MaximumRetryAttempts: Match.anyValue() }),
          }),
        ],
      });
    }
  });

  it('has one schedule per declaration with its expression, time zone and input, no flexible window, a DLQ', () => {
    stateless.resourceCountIs('AWS::Scheduler::Schedule', schedules.length);
    for (const schedule of schedules) {
      stateless.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: toSchedulerExpression(schedule.cron),
        ScheduleExpressionTimezone: schedule.timezone,
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: Match.objectLike({
          Arn: getAtt(built.stateless.functions[schedule.target]),
          Input: schedulerInput(schedule.name),
          RoleArn: getAtt(built.stateless.schedulerRole),
          DeadLetterConfig: { Arn: Match.anyValue() },
          RetryPolicy: Match.objectLike({ MaximumRetryAttempts: Match.anyValue() }),
        }),
      });
    }
  });

  it('lets the scheduler role invoke only the schedule targets', () => {
    const lambdaStatements = roleStatements(logicalId(built.stateless.schedulerRole)).filter((s) => hasAction(s, 'lambda:'));
    expect([...new Set(lambdaStatements.flatMap((s) => asArray(s.Action)))]).toEqual(['lambda:InvokeFunction']);
    // In any order (CDK orders statements and resources as it pleases), but exactly: each target
    // function, and its versions/aliases (`<arn>:*`) for all targets when CDK grants them.
    const invoked = lambdaStatements.flatMap((s) => asArray(s.Resource)).map(key).sort();
    const functionArns = [...new Set(schedules.map((s) => s.target))].map((name) => getAtt(built.stateless.functions[name]));
    const qualified = functionArns.map((arn) => ({ 'Fn::Join': ['', [arn, ':*']] }));
    const withVersions = invoked.some((resource) => resource.endsWith(`":*"]]}`));
    expect(invoked).toEqual([...functionArns, ...(withVersions ? qualified : [])].map(key).sort());
    expect(functionArns.length).toBeGreaterThan(0);
  });

  it('keeps dead-letter queues (and on-failure queues) encrypted, TLS-only and alarmed', () => {
    // One dead-letter queue shared by the event rules, one by the schedules, one on-failure queue per
    // asynchronously invoked function, and the outbox stream mapping's on-failure queue.
    const count = 2 + asyncTargets.length + 1;
    stateless.resourceCountIs('AWS::SQS::Queue', count);
    expect(Object.keys(stateless.findResources('AWS::SQS::Queue', { Properties: { SqsManagedSseEnabled: true } }))).toHaveLength(count);
    expect(
      Object.keys(
        stateless.findResources('AWS::SQS::QueuePolicy', {
          Properties: {
            PolicyDocument: {
              Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
            },
          },
        }),
      ),
    ).toHaveLength(count);
    expect(
      Object.keys(stateless.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'ApproximateNumberOfMessagesVisible' } })),
    ).toHaveLength(count);
  });
});

describe('asynchronous invocations', () => {
  it('send each event-rule and schedule target’s failed events to its own encrypted, TLS-only, alarmed queue', () => {
    expect(asyncTargets.length).toBeGreaterThan(0);
    const resources = stateless.toJSON().Resources as Record<string, Resource>;
    const configs = resourcesOf(stateless, 'AWS::Lambda::EventInvokeConfig');
    expect(configs).toHaveLength(asyncTargets.length);
    const queueIds = new Set<string>();
    for (const name of asyncTargets) {
      const own = configs.filter(([, c]) => key(c.Properties.FunctionName) === key({ Ref: logicalId(built.stateless.functions[name]) }));
      expect(own, name).toHaveLength(1);
      const properties = own[0]![1].Properties;
      expect(properties, name).toMatchObject({
        Qualifier: '$LATEST',
        MaximumRetryAttempts: 2,
        MaximumEventAgeInSeconds: 6 * 60 * 60,
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [expect.any(String), 'Arn'] } } },
      });
      const destination = properties.DestinationConfig as { OnFailure: { Destination: { 'Fn::GetAtt': [string, string] } } };
      expect(Object.keys(destination), name).toEqual(['OnFailure']);
      const queueId = destination.OnFailure.Destination['Fn::GetAtt'][0];
      queueIds.add(queueId);

      const queue = resources[queueId];
      expect(queue?.Type, name).toBe('AWS::SQS::Queue');
      const encrypted = queue?.Properties.SqsManagedSseEnabled === true || queue?.Properties.KmsMasterKeyId !== undefined;
      expect(encrypted, `${name}: queue encrypted`).toBe(true);
      expect(queue?.Properties.MessageRetentionPeriod, name).toBe(14 * 24 * 60 * 60);
      const tlsOnly = stateless.findResources('AWS::SQS::QueuePolicy', {
        Properties: {
          Queues: [{ Ref: queueId }],
          PolicyDocument: {
            Statement: Match.arrayWith([
              Match.objectLike({
                Effect: 'Deny',
                Action: 'sqs:*',
                Resource: { 'Fn::GetAtt': [queueId, 'Arn'] },
                Condition: { Bool: { 'aws:SecureTransport': 'false' } },
              }),
            ]),
          },
        },
      });
      expect(Object.keys(tlsOnly), `${name}: queue TLS-only`).toHaveLength(1);
      const alarms = stateless.findResources('AWS::CloudWatch::Alarm', {
        Properties: {
          Namespace: 'AWS/SQS',
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
          ComparisonOperator: 'GreaterThanThreshold',
          Threshold: 0,
        },
      });
      expect(Object.keys(alarms), `${name}: queue alarmed on > 0 visible messages`).toHaveLength(1);
    }
    // One queue per function, none of them an EventBridge or Scheduler dead-letter queue.
    expect(queueIds.size).toBe(asyncTargets.length);
    const deadLetterQueueIds = new Set(built.stateless.deadLetterQueues.map((q) => logicalId(q)));
    expect([...queueIds].filter((id) => deadLetterQueueIds.has(id))).toEqual([]);
  });

  it('configure no asynchronous invocation for functions that are not event-rule or schedule targets', () => {
    const others = functionNames.filter((name) => !asyncTargets.includes(name));
    expect(others.length).toBeGreaterThan(0);
    const configured = new Set(
      resourcesOf(stateless, 'AWS::Lambda::EventInvokeConfig').map(([, c]) => key(c.Properties.FunctionName)),
    );
    for (const name of others) {
      expect(configured.has(key({ Ref: logicalId(built.stateless.functions[name]) })), name).toBe(false);
    }
  });
});

describe('backup workflow', () => {
  it('substitutes every placeholder of the ASL file with its function ARN and may invoke exactly those', () => {
    const asl = readFileSync(backupAslPath, 'utf8');
    const placeholders = [...new Set([...asl.matchAll(/\$\{([^}]+)\}/g)].map((m) => m[1]))].sort();
    expect(placeholders.length).toBeGreaterThan(0);
    const taskFunctions = functionNames.filter((name) => placeholders.includes(functionArnPlaceholder(name)));
    expect(taskFunctions.map(functionArnPlaceholder).sort()).toEqual(placeholders);

    stateless.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    stateless.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      DefinitionS3Location: Match.anyValue(),
      DefinitionSubstitutions: Object.fromEntries(
        taskFunctions.map((name) => [functionArnPlaceholder(name), getAtt(built.stateless.functions[name])]),
      ),
      LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: true }),
      TracingConfiguration: { Enabled: true },
    });

    const role = built.stateless.backupWorkflow.role;
    const invoked = roleStatements(logicalId(role))
      .filter((s) => asArray(s.Action).includes('lambda:InvokeFunction'))
      .flatMap((s) => asArray(s.Resource))
      .filter((resource) => !JSON.stringify(resource).includes(':*'));
    expect(invoked).toHaveLength(taskFunctions.length);
    expect(invoked).toEqual(expect.arrayContaining(taskFunctions.map((name) => getAtt(built.stateless.functions[name]))));
  });

  it('alarms on failed executions', () => {
    stateless.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/States',
      MetricName: 'ExecutionsFailed',
      Dimensions: [{ Name: 'StateMachineArn', Value: { Ref: logicalId(built.stateless.backupWorkflow) } }],
    });
  });
});

describe('outputs', () => {
  it('exports what a frontend and an operator need', () => {
    // Besides the exports CDK makes for the API stack: one per integrated function's ARN, the API's and the authorizer's ids.
    const outputs = Object.keys(stateless.findOutputs('*'));
    const exports = outputs.filter((id) => id.startsWith('ExportsOutput'));
    expect(outputs.filter((id) => !exports.includes(id)).sort()).toEqual(['ApiUrl', 'BucketName', 'TableName', 'UserPoolClientId', 'UserPoolId'].sort());
    const integrated = [...new Set(routes.map((r) => r.function))];
    // And the API's and its authorizer's ids.
    expect(exports).toHaveLength(integrated.length + 2);
    for (const name of integrated) {
      const prefix = `ExportsOutputFnGetAtt${logicalId(built.stateless.functions[name])}Arn`;
      expect(exports.filter((id) => id.startsWith(prefix)), name).toHaveLength(1);
    }
    expect(Object.keys(api.findOutputs('*'))).toEqual([]);
  });
});

describe('cdk-nag (AwsSolutions)', () => {
  it('has no unacknowledged errors or warnings', () => {
    const { violations } = built.nag.validateScope(built.app);
    const findings = (severity: string) =>
      violations
        .filter((v) => v.severity === severity)
        .flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`));
    expect(findings('error')).toEqual([]);
    expect(findings('warning')).toEqual([]);
  });

  it('leaves no error or warning annotations on either stack', () => {
    for (const stack of [built.stateful, built.stateless, built.api]) {
      const annotations = Annotations.fromStack(stack);
      expect(annotations.findError('*', Match.anyValue()), stack.stackName).toEqual([]);
      expect(annotations.findWarning('*', Match.anyValue()), stack.stackName).toEqual([]);
    }
  });
});
