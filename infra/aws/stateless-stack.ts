import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ArnFormat, CfnOutput, Duration, IgnoreMode, Stack, TimeZone, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { NodejsFunction, OutputFormat, type ICommandHooks } from 'aws-cdk-lib/aws-lambda-nodejs';
import { docsAssetsFolder, swaggerUiFiles } from '../../shared/http/docs-page';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { backupExecutionEndedRule, eventRules } from '../../shared/wiring/event-rules';
import {
  functionArnPlaceholder,
  functions,
  type FunctionDefinition,
  type FunctionName,
  type Grant,
} from '../../shared/wiring/functions';
import { cors } from '../../shared/wiring/cors';
import { routes } from '../../shared/wiring/routes';
import { schedules, schedulerInput, toSchedulerExpression } from '../../shared/wiring/schedules';
import { fontRoot, shippedFontFiles } from '../../shared/pdf/fonts';
import { aslFunctionNames } from './backup-workflow';
import { bundleAliasesOf, bundleCharset, esmRequireBanner, externalModules } from './bundling';
import type { AppConfig } from './config';
import { repoRoot } from './paths';
import type { StatefulResources } from './stateful-stack';

export interface StatelessStackProps extends StackProps {
  readonly config: AppConfig;
  readonly stateful: StatefulResources;
  /** The backup workflow's ASL file (`shared/wiring/backup.asl.json` unless a test passes its own). */
  readonly backupAslPath: string;
}

const serviceName = 'progress-claims';
const logRetention = logs.RetentionDays.ONE_MONTH;
const functionDefaults = { memoryMb: 1024, timeoutSeconds: 10 };
// Steady-state and burst limits for the whole API; a runaway client cannot run up the Lambda bill.
const apiThrottle = { rateLimit: 50, burstLimit: 100 };

/**
 * The functions Lambda invokes asynchronously, each with what invokes it: event-rule targets
 * (EventBridge) and schedule targets (EventBridge Scheduler). Derived from the declarations.
 */
export const asyncInvokers: ReadonlyMap<FunctionName, readonly string[]> = (() => {
  const invokers = new Map<FunctionName, string[]>();
  const add = (name: FunctionName, invoker: string) => invokers.set(name, [...(invokers.get(name) ?? []), invoker]);
  for (const rule of eventRules) add(rule.target, `event rule ${rule.name}`);
  add(backupExecutionEndedRule.target, `event rule ${backupExecutionEndedRule.name}`);
  for (const schedule of schedules) add(schedule.target, `schedule ${schedule.name}`);
  return invokers;
})();

/** Functions, bus, schedules and the backup workflow: everything that can be replaced freely (the HTTP API is in api-stack.ts). */

/** Where each company's e-signature certificate is kept (one secret per company). */
const signingSecretPrefix = 'progress-claims/signing-certificates/';
/** Where each company's DocuSign secrets are kept (RSA key for JWT grant, Connect HMAC keys), provisioned by an administrator. */
const docusignSecretPrefix = 'progress-claims/docusign/';
/** The functions that read them: the consumer calling DocuSign, and the signatures function checking Connect's HMAC. */
export const docusignSecretReaders = ['docusignEnvelopes', 'signatures'] as const satisfies readonly FunctionName[];
export class StatelessStack extends Stack {
  readonly functions: Record<FunctionName, NodejsFunction>;
  /** The HTTP API and its JWT authorizer (routes: the API stack). */
  readonly httpApi: apigwv2.HttpApi;
  readonly apiAuthorizer: apigwv2.IHttpRouteAuthorizer;
  readonly eventBus: events.EventBus;
  readonly schedulerRole: iam.Role;
  readonly deadLetterQueues: sqs.Queue[] = [];
  /** Per async-invoked function: where Lambda sends an event after the function's last failed attempt. */
  readonly asyncFailureQueues: ReadonlyMap<FunctionName, sqs.Queue>;
  readonly backupWorkflow: sfn.StateMachine;
  /** Outbox stream batches the dispatcher failed on after every retry (the sweeper still retries them). */
  readonly outboxFailureQueue: sqs.Queue;
  /** The functions the backup workflow's ASL calls. */
  readonly backupTaskFunctions: readonly FunctionName[];
  /** Every execution of the backup workflow, for DescribeExecution. */
  readonly backupExecutionsArn: string;
  /** The secrets holding each company's e-signature certificate. */
  readonly signingSecretsArn: string;
  readonly docusignSecretsArn: string;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { config, stateful } = props;
    assertLocalEsbuild();

    // Read the workflow first: a bad placeholder should fail synth before any bundling starts.
    this.backupTaskFunctions = aslFunctionNames(readFileSync(props.backupAslPath, 'utf8'), props.backupAslPath);
    for (const name of this.backupTaskFunctions) {
      const grants: readonly Grant[] = functions[name].grants;
      // The workflow depends on its task functions, so none of them can depend on the workflow.
      if (grants.includes('backup:start')) {
        throw new Error(`${name} is a task of the backup workflow and cannot also have the backup:start grant`);
      }
    }
    this.eventBus = new events.EventBus(this, 'EventBus', { description: 'Product events: emails to send, workflow fan-out' });

    const environment: Record<string, string> = {
      TABLE_NAME: stateful.table.tableName,
      BUCKET_NAME: stateful.bucket.bucketName,
      EVENT_BUS_NAME: this.eventBus.eventBusName,
      EMAIL_FROM: config.emailFrom,
      SES_CONFIGURATION_SET: stateful.configurationSet.configurationSetName,
      FRONTEND_BASE_URL: config.frontendBaseUrl,
      SES_SEND_RATE: String(config.sesSendRate),
      POWERTOOLS_SERVICE_NAME: serviceName,
      POWERTOOLS_LOG_LEVEL: 'INFO',
      NODE_OPTIONS: '--enable-source-maps',
    };
    const pdfFonts = this.createPdfFontLayer();
    const definitions = Object.entries(functions) as [FunctionName, FunctionDefinition][];
    this.functions = Object.fromEntries(
      definitions.map(([name, definition]) => [
        name,
        definition.rendersPdf
          ? this.createFunction(name, definition, { ...environment, PDF_TOOLS_DIR: '/opt' }, [pdfFonts])
          : this.createFunction(name, definition, environment),
      ]),
    ) as Record<FunctionName, NodejsFunction>;

    this.backupWorkflow = this.createBackupWorkflow(props.backupAslPath);
    this.backupExecutionsArn = this.formatArn({
      service: 'states',
      resource: 'execution',
      resourceName: `${this.backupWorkflow.stateMachineName}:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });

    const configurationSetArn = this.formatArn({
      service: 'ses',
      resource: 'configuration-set',
      resourceName: stateful.configurationSet.configurationSetName,
    });
    const grants: Record<Grant, (fn: NodejsFunction) => void> = {
      'table:read': (fn) => stateful.table.grants.readData(fn),
      'table:write': (fn) => stateful.table.grants.writeData(fn),
      'bucket:read': (fn) => stateful.bucket.grants.read(fn),
      'bucket:write': (fn) => {
        stateful.bucket.grants.put(fn);
        stateful.bucket.grants.delete(fn);
      },
      // On this bus only (grants.allPutEvents would allow every bus).
      'events:put': (fn) => this.eventBus.grantPutEventsTo(fn),
      'email:send': (fn) =>
        fn.addToRolePolicy(
          new iam.PolicyStatement({
            actions: ['ses:SendEmail', 'ses:SendRawEmail'],
            resources: [stateful.emailIdentity.emailIdentityArn, configurationSetArn],
          }),
        ),
      'backup:start': (fn) => {
        this.backupWorkflow.grants.startExecution(fn);
        // Only DescribeExecution (to report a job's status), not everything grants.read() adds.
        fn.addToRolePolicy(
          new iam.PolicyStatement({ actions: ['states:DescribeExecution'], resources: [this.backupExecutionsArn] }),
        );
        fn.addEnvironment('BACKUP_STATE_MACHINE_ARN', this.backupWorkflow.stateMachineArn);
      },
      // Invoice PDFs are rendered by a function of its own, invoked synchronously (shared/storage/invoice-pdf-renderer.ts).
      'pdf:render': (fn) => {
        this.functions.renderInvoicePdf.grantInvoke(fn);
        fn.addEnvironment('INVOICE_PDF_FUNCTION_NAME', this.functions.renderInvoicePdf.functionName);
      },
      // Invite a person: create (or find) their Cognito user, which yields the `sub` our records key on.
      'identity:invite': (fn) => {
        stateful.userPool.grant(fn, 'cognito-idp:AdminCreateUser', 'cognito-idp:AdminGetUser');
        fn.addEnvironment('USER_POOL_ID', stateful.userPool.userPoolId);
      },
    };
    for (const [name, definition] of definitions) {
      for (const grant of definition.grants) grants[grant](this.functions[name]);
    }
    // The renderer seals signed invoices with each company's certificate, a secret it makes on first use (shared/signature/certificates.ts).
    this.signingSecretsArn = this.formatArn({ service: 'secretsmanager', resource: 'secret', resourceName: `${signingSecretPrefix}*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    this.functions.renderInvoicePdf.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue', 'secretsmanager:CreateSecret'], resources: [this.signingSecretsArn] }),
    );
    this.functions.renderInvoicePdf.addEnvironment('SIGNING_SECRET_PREFIX', signingSecretPrefix);
    this.docusignSecretsArn = this.formatArn({ service: 'secretsmanager', resource: 'secret', resourceName: `${docusignSecretPrefix}*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    for (const name of docusignSecretReaders) {
      this.functions[name].addToRolePolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [this.docusignSecretsArn] }));
      this.functions[name].addEnvironment('DOCUSIGN_SECRET_PREFIX', docusignSecretPrefix);
    }
    // Functions that serve lists sign and check cursors with the stateful stack's secret.
    const listFunctions = new Set(routes.filter((route) => route.method === 'GET' && route.auth === 'jwt').map((route) => route.function));
    for (const name of listFunctions) {
      stateful.cursorSecret.grantRead(this.functions[name]);
      this.functions[name].addEnvironment('CURSOR_SECRET_ARN', stateful.cursorSecret.secretArn);
    }

    this.createEventRules();
    this.outboxFailureQueue = this.createOutboxStream(stateful);
    this.schedulerRole = this.createSchedules();
    this.asyncFailureQueues = this.createAsyncFailureDestinations();

    const { api, stage } = this.createHttpApi(config);
    this.httpApi = api;
    // Bound by the first route that uses it, it is made under the API, in this stack.
    this.apiAuthorizer = new HttpUserPoolAuthorizer('CognitoAuthorizer', stateful.userPool, { userPoolClients: [stateful.userPoolClient] });
    new CfnOutput(this, 'ApiUrl', { value: stage.url });
    new CfnOutput(this, 'UserPoolId', { value: stateful.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: stateful.userPoolClient.userPoolClientId });
    new CfnOutput(this, 'BucketName', { value: stateful.bucket.bucketName });
    new CfnOutput(this, 'TableName', { value: stateful.table.tableName });
  }

  /**
   * The font files PDFs are typeset with (shared/pdf/fonts.ts), only the weights and format
   * used, as a layer mounted at /opt: only functions flagged `rendersPdf` get it.
   */
  private createPdfFontLayer(): lambda.LayerVersion {
    const shipped = shippedFontFiles();
    const keep = shipped.flatMap((file) => {
      const family = file.split('/')[0]!;
      return [`!${family}`, `!${family}/files`, `!${file}`];
    });
    return new lambda.LayerVersion(this, 'PdfFonts', {
      description: 'Noto fonts (Unicode ranges, regular and bold) for the PDFs the product draws',
      code: lambda.Code.fromAsset(fontRoot(), { exclude: ['*', ...keep], ignoreMode: IgnoreMode.GLOB }),
      compatibleArchitectures: [lambda.Architecture.ARM_64],
      compatibleRuntimes: [lambda.Runtime.NODEJS_22_X],
    });
  }

  private createFunction(name: FunctionName, definition: FunctionDefinition, environment: Record<string, string>, layers: lambda.ILayerVersion[] = []) {
    const logGroup = new logs.LogGroup(this, `${name}LogGroup`, { retention: logRetention });
    // An own role per function, instead of AWSLambdaBasicExecutionRole: it may write only to its own log group.
    const role = new iam.Role(this, `${name}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs the ${name} function`,
    });
    logGroup.grantWrite(role);
    return new NodejsFunction(this, name, {
      entry: path.join(repoRoot, definition.entry),
      handler: 'handler',
      description: definition.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: definition.memoryMb ?? functionDefaults.memoryMb,
      timeout: Duration.seconds(definition.timeoutSeconds ?? functionDefaults.timeoutSeconds),
      reservedConcurrentExecutions: definition.reservedConcurrency,
      role,
      logGroup,
      tracing: lambda.Tracing.ACTIVE,
      // A reserved sender takes its share of SES's rate (shared/email/pace.ts).
      environment: definition.reservedConcurrency ? { ...environment, SES_SENDERS: String(definition.reservedConcurrency) } : environment,
      layers,
      projectRoot: repoRoot,
      depsLockFilePath: path.join(repoRoot, 'package-lock.json'),
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        minify: true,
        sourceMap: true,
        // Stack traces map to file and line without shipping the sources themselves.
        sourcesContent: false,
        banner: esmRequireBanner,
        // The runtime's SDK, not a bundled one: see infra/aws/bundling.ts and docs/bundles.md.
        bundleAwsSDK: false,
        externalModules,
        esbuildArgs: {
          ...Object.fromEntries(Object.entries(bundleAliasesOf(name)).map(([module, replacement]) => [`--alias:${module}`, replacement])),
          // As an argument: CDK (2.276) declares a `charset` bundling option but never hands it to esbuild.
          '--charset': bundleCharset,
        },
        forceDockerBundling: false,
        ...(name === 'docs' ? { commandHooks: docsAssetsHooks } : {}),
      },
    });
  }

  private createBackupWorkflow(aslPath: string): sfn.StateMachine {
    const workflow = new sfn.StateMachine(this, 'BackupWorkflow', {
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromFile(aslPath),
      definitionSubstitutions: Object.fromEntries(
        this.backupTaskFunctions.map((name) => [functionArnPlaceholder(name), this.functions[name].functionArn]),
      ),
      tracingEnabled: true,
      logs: {
        destination: new logs.LogGroup(this, 'BackupWorkflowLogGroup', { retention: logRetention }),
        level: sfn.LogLevel.ALL,
        includeExecutionData: true,
      },
    });
    for (const name of this.backupTaskFunctions) this.functions[name].grantInvoke(workflow);
    workflow.metricFailed({ period: Duration.minutes(5) }).createAlarm(this, 'BackupWorkflowFailedAlarm', {
      alarmDescription: 'A backup workflow execution failed',
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    return workflow;
  }

  private createEventRules(): void {
    for (const rule of eventRules) {
      const deadLetterQueue = this.deadLetterQueue('EventRules');
      new events.Rule(this, `${rule.name}Rule`, {
        eventBus: this.eventBus,
        description: rule.description,
        eventPattern: { source: [rule.source], detailType: [rule.detailType] },
        targets: [
          new eventTargets.LambdaFunction(this.functions[rule.target], {
            deadLetterQueue,
            retryAttempts: 8,
            maxEventAge: Duration.hours(6),
          }),
        ],
      });
    }
    // Step Functions sends its events to the default bus; only this stack's backup workflow counts.
    const ended = backupExecutionEndedRule;
    new events.Rule(this, 'BackupExecutionEndedRule', {
      description: ended.description,
      eventPattern: {
        source: [ended.source],
        detailType: [ended.detailType],
        detail: { ...ended.detail, stateMachineArn: [this.backupWorkflow.stateMachineArn] },
      },
      targets: [
        new eventTargets.LambdaFunction(this.functions[ended.target], {
          deadLetterQueue: this.deadLetterQueue('EventRules'),
          retryAttempts: 8,
          maxEventAge: Duration.hours(6),
        }),
      ],
    });
  }

  /**
   * The outbox dispatcher reads the table's stream, filtered to outbox inserts: failed records are
   * retried, the batch halved around a poison record, and what still fails goes to an alarmed queue
   * (the sweeper keeps retrying those records while they stay pending). Iterator age alarms when
   * the dispatcher falls behind.
   */
  private createOutboxStream(stateful: StatefulResources): sqs.Queue {
    const queue = this.alarmedQueue('OutboxStreamFailureQueue', {
      id: 'OutboxStreamFailureAlarm',
      description: 'outboxDispatcher gave up on stream records after all retries: their pointers are in the queue',
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    });
    const dispatcher = this.functions.outboxDispatcher;
    dispatcher.addEventSource(
      new DynamoEventSource(stateful.table, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        maxBatchingWindow: Duration.seconds(0),
        bisectBatchOnError: true,
        retryAttempts: 10,
        maxRecordAge: Duration.hours(24),
        reportBatchItemFailures: true,
        onFailure: new SqsDlq(queue),
        filters: [
          lambda.FilterCriteria.filter({
            eventName: lambda.FilterRule.isEqual('INSERT'),
            dynamodb: { NewImage: { __edb_e__: { S: lambda.FilterRule.isEqual('outbox') } } },
          }),
        ],
      }),
    );
    new cloudwatch.Metric({
      namespace: 'AWS/Lambda',
      metricName: 'IteratorAge',
      dimensionsMap: { FunctionName: dispatcher.functionName },
      statistic: 'Maximum',
      period: Duration.minutes(1),
    }).createAlarm(this, 'OutboxIteratorAgeAlarm', {
      alarmDescription: 'outboxDispatcher is more than 5 minutes behind the table stream',
      threshold: 5 * 60 * 1000,
      evaluationPeriods: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    return queue;
  }

  /**
   * The HTTP API and its logged, throttled default stage; its routes are the API stack's
   * (infra/aws/api-stack.ts). The API stays here, where it always was, so its URL is stable.
   */
  private createHttpApi(config: AppConfig): { api: apigwv2.HttpApi; stage: apigwv2.HttpStage } {
    const api = new apigwv2.HttpApi(this, 'HttpApi', {
      description: 'Progress claims API',
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: [config.frontendOrigin],
        allowMethods: cors.allowMethods.map((method) => apigwv2.CorsHttpMethod[method]),
        allowHeaders: [...cors.allowHeaders],
        exposeHeaders: [...cors.exposeHeaders],
        maxAge: Duration.seconds(cors.maxAgeSeconds),
      },
    });
    const accessLogs = new logs.LogGroup(this, 'HttpApiAccessLogGroup', { retention: logRetention });
    const stage = api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: apiThrottle,
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            requestTime: '$context.requestTime',
            routeKey: '$context.routeKey',
            status: '$context.status',
            responseLength: '$context.responseLength',
            latencyMs: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
          }),
        ),
      },
    });

    return { api, stage };
  }

  private createSchedules(): iam.Role {
    // One role for all schedules; each LambdaInvoke target adds invoke on its own function only.
    const role = new iam.Role(this, 'SchedulerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
      description: 'EventBridge Scheduler: invokes the scheduled functions',
    });
    for (const schedule of schedules) {
      new scheduler.Schedule(this, `${schedule.name}Schedule`, {
        description: schedule.description,
        schedule: scheduler.ScheduleExpression.expression(
          toSchedulerExpression(schedule.cron),
          TimeZone.of(schedule.timezone),
        ),
        timeWindow: scheduler.TimeWindow.off(),
        target: new LambdaInvoke(this.functions[schedule.target], {
          role,
          input: scheduler.ScheduleTargetInput.fromText(schedulerInput(schedule.name)),
          deadLetterQueue: this.deadLetterQueue('Schedules'),
          retryAttempts: 3,
          // Scheduled handlers are idempotent and catch up on their next run: an hour-old run is not worth retrying.
          maxEventAge: Duration.hours(1),
        }),
      });
    }
    return role;
  }

  /**
   * Rule and schedule DLQs catch only events that could not be delivered to Lambda. Once delivered,
   * Lambda invokes the function asynchronously: after the function's last failed attempt it sends the
   * event, with the error, to an on-failure destination, instead of dropping it.
   *
   * One queue per function rather than one shared queue: the alarm names the failing function, a
   * backlog left by one function cannot hold a shared alarm in ALARM and so hide another function's
   * new failures, and each role may send only to its own queue.
   */
  private createAsyncFailureDestinations(): ReadonlyMap<FunctionName, sqs.Queue> {
    const queues = new Map<FunctionName, sqs.Queue>();
    for (const [name, invokers] of asyncInvokers) {
      const queue = this.alarmedQueue(`${name}AsyncFailureQueue`, {
        id: `${name}AsyncFailureAlarm`,
        description: `${name} failed on an event from ${invokers.join(', ')} after all retries: the event and its error are in the queue`,
        // Alarm on the first failed event (> 0).
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      });
      this.functions[name].configureAsyncInvoke({
        onFailure: new SqsDestination(queue),
        retryAttempts: 2,
        maxEventAge: Duration.hours(6),
      });
      queues.set(name, queue);
    }
    return queues;
  }

  /**
   * A dead-letter queue for events EventBridge or the scheduler could not deliver to Lambda at all
   * (a permission or configuration fault, not a function's failure: those go to each function's own
   * on-failure queue), alarmed as soon as one lands there. One queue for all event rules and one for
   * all schedules: each message names its rule or schedule (RULE_ARN / the schedule's attributes),
   * and a queue per rule cost three resources each against CloudFormation's 500 per stack.
   */
  private deadLetterQueue(kind: 'EventRules' | 'Schedules'): sqs.Queue {
    const existing = this.deadLetterQueues.find((queue) => queue.node.id === `${kind}DeadLetterQueue`);
    if (existing) return existing;
    const queue = this.alarmedQueue(`${kind}DeadLetterQueue`, {
      id: `${kind}DeadLetterAlarm`,
      description: `${kind === 'EventRules' ? 'Event rules' : 'Schedules'}: undeliverable events are waiting in the dead-letter queue (each names its rule or schedule)`,
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    });
    this.deadLetterQueues.push(queue);
    return queue;
  }

  /** An encrypted (SQS-managed keys), TLS-only queue keeping messages 14 days, alarmed on visible messages. */
  private alarmedQueue(
    id: string,
    alarm: { id: string; description: string; threshold: number; comparisonOperator: cloudwatch.ComparisonOperator },
  ): sqs.Queue {
    const queue = new sqs.Queue(this, id, {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }).createAlarm(this, alarm.id, {
      alarmDescription: alarm.description,
      threshold: alarm.threshold,
      evaluationPeriods: 1,
      comparisonOperator: alarm.comparisonOperator,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    return queue;
  }
}

/**
 * The reference page's Swagger UI files travel beside the docs function's bundle only (read by
 * shared/http/docs-page.ts at run time): no other function carries them, and no bucket is needed.
 */
const docsAssetsHooks: ICommandHooks = {
  beforeBundling: () => [],
  beforeInstall: () => [],
  afterBundling: (inputDir, outputDir) => [
    `mkdir -p "${outputDir}/${docsAssetsFolder}"`,
    ...swaggerUiFiles.map((file) => `cp "${inputDir}/node_modules/swagger-ui-dist/${file}" "${outputDir}/${docsAssetsFolder}/"`),
  ],
};

/** NodejsFunction falls back to Docker when it cannot find esbuild; bundling must stay local. */
function assertLocalEsbuild(): void {
  try {
    createRequire(import.meta.url).resolve('esbuild');
  } catch {
    throw new Error('esbuild is not installed: run npm ci (functions are bundled locally, never in Docker)');
  }
}
