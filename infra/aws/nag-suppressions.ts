import { Validations, type Stack } from 'aws-cdk-lib';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference';
import type { IConstruct } from 'constructs';
import { functions, type FunctionDefinition, type FunctionName, type Grant } from '../../shared/wiring/functions';
import { routes } from '../../shared/wiring/routes';
import { docsOf } from '../../shared/wiring/route-docs';
import { schedules } from '../../shared/wiring/schedules';
import type { ApiStack } from './api-stack';
import type { StatefulStack } from './stateful-stack';
import { asyncInvokers, docusignSecretReaders, type StatelessStack } from './stateless-stack';

/**
 * Every acknowledged cdk-nag finding, each with the reason it is acceptable. cdk-nag 3 matches
 * acknowledgements exactly, so each IAM5 wildcard is named as cdk-nag prints it (see `nagName`).
 * IDs carry no `AwsSolutions::` prefix (which the synth report suggests): CDK's report honours
 * the prefixed form, but cdk-nag's own check (`validateScope`, used by the tests) does not.
 */
export function applyNagSuppressions(stateful: StatefulStack, stateless: StatelessStack, api: ApiStack): void {
  acknowledge(stateful.userPool, {
    'AwsSolutions-COG2':
      'MFA is optional (TOTP) as specified: subcontractor invoice contacts must be able to bill without enrolling a device; any user can turn TOTP on.',
    'AwsSolutions-COG8':
      'Essentials feature plan: Plus-tier threat protection is billed per monthly active user and is a product decision still to make; the strong password policy, admin-only sign-up and optional TOTP MFA apply meanwhile.',
  });

  acknowledge(stateful.cursorSecret, {
    'AwsSolutions-SMG4':
      'The cursor HMAC key signs short-lived list cursors only; rotating it would just invalidate cursors in flight, so it is replaced by redeploying when needed.',
  });

  // Cross-stack ARNs appear in findings under their export name; exportValue() yields that name.
  const tableArn = nagName(stateful, stateful.exportValue(stateful.table.tableArn));
  const bucketArn = nagName(stateful, stateful.exportValue(stateful.bucket.bucketArn));
  const tableIndexes = {
    [`Resource::${tableArn}/index/*`]:
      'TableV2 grants cover the table’s global secondary indexes with index/*; every index of the single table is queried by the same entities.',
  };
  const bucketObjects = {
    [`Resource::${bucketArn}/*`]:
      'Object keys are created at run time (attachments, backups); the grant is limited to this one bucket.',
  };
  const grantFindings: Record<Grant, Record<string, string>> = {
    'table:read': tableIndexes,
    'table:write': tableIndexes,
    'bucket:read': {
      ...bucketObjects,
      'Action::s3:GetObject*': 'Bucket read grant: GetObject and its version/tagging variants on this bucket only.',
      'Action::s3:GetBucket*': 'Bucket read grant: bucket location and metadata lookups the SDK performs.',
      'Action::s3:List*': 'Bucket read grant: listing this bucket only (prefix listings, multipart parts).',
    },
    'bucket:write': {
      ...bucketObjects,
      'Action::s3:Abort*': 'Bucket write grant: aborting this bucket’s multipart uploads of large merged PDFs.',
      'Action::s3:DeleteObject*': 'Bucket write grant: removing attachments and intermediate backup parts, with their versions.',
    },
    'events:put': {},
    'email:send': {},
    'identity:invite': {},
    'pdf:render': {
      [`Resource::${nagName(stateless, stateless.functions.renderInvoicePdf.functionArn)}:*`]:
        'Invoking the invoice PDF renderer by version or alias, as lambda grantInvoke allows; no other function.',
    },
    'backup:start': {
      [`Resource::${nagName(stateless, stateless.backupExecutionsArn)}`]:
        'DescribeExecution on the executions of the backup workflow only; execution names are generated per job.',
    },
  };

  for (const [name, definition] of Object.entries(functions) as [FunctionName, FunctionDefinition][]) {
    const fn = stateless.functions[name];
    acknowledge(fn, {
      'AwsSolutions-L1':
        'Node.js 22 (nodejs22.x, an LTS runtime) is the pinned target of this project and its esbuild bundles; moving to a newer runtime is a deliberate, tested change.',
    });
    if (!fn.role) throw new Error(`${name} has no role`);
    acknowledge(fn.role, {
      'AwsSolutions-IAM5[Resource::*]':
        'X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords do not support resource-level permissions.',
      ...iam5(
        Object.assign(
          {},
          ...definition.grants.map((grant) => grantFindings[grant]),
          name === 'renderInvoicePdf'
            ? { [`Resource::${nagName(stateless, stateless.signingSecretsArn)}`]: 'Each company’s e-signature certificate is a secret under one prefix, made on first use; no other secret.' }
            : {},
          (docusignSecretReaders as readonly string[]).includes(name)
            ? { [`Resource::${nagName(stateless, stateless.docusignSecretsArn)}`]: 'Each company’s DocuSign secrets (RSA key, Connect HMAC keys) are a secret under one prefix, read only; no other secret.' }
            : {},
        ),
      ),
    });
  }

  acknowledge(stateless.backupWorkflow, {
    'AwsSolutions-IAM5[Resource::*]':
      'Step Functions logging (logs:*LogDelivery, DescribeLogGroups, resource policies) and X-Ray do not support resource-level permissions.',
    ...iam5(
      Object.fromEntries(
        stateless.backupTaskFunctions.map((name) => [
          `Resource::${nagName(stateless, stateless.functions[name].functionArn)}:*`,
          `Invoking ${name} by version or alias, as lambda grantInvoke allows; no other function.`,
        ]),
      ),
    ),
  });

  acknowledge(stateless.schedulerRole, {
    ...iam5(
      Object.fromEntries(
        [...new Set(schedules.map((schedule) => schedule.target))].map((name) => [
          `Resource::${nagName(stateless, stateless.functions[name].functionArn)}:*`,
          `The scheduler invokes ${name} (a schedule target) by version or alias; no other function.`,
        ]),
      ),
    ),
  });

  for (const route of routes.filter((r) => r.auth === 'none')) {
    const httpRoute = api.routes.get(route.operationId);
    if (!httpRoute) throw new Error(`No HTTP route for ${route.operationId}`);
    acknowledge(httpRoute, {
      'AwsSolutions-APIG4': route.path.startsWith('/v1/signing/')
        ? `${route.method} ${route.path} is authorized by its one-time signing link (a random 256-bit token, stored hashed, expiring, single use), not a bearer token.`
        : `${route.method} ${route.path} is public by design (${docsOf(route).summary}); it reads no tenant data.`,
    });
  }

  for (const queue of stateless.deadLetterQueues) {
    acknowledge(queue, {
      'AwsSolutions-SQS3': 'This queue is itself a dead-letter queue (of an EventBridge rule or schedule target); it is alarmed, not redriven.',
    });
  }

  acknowledge(stateless.outboxFailureQueue, {
    'AwsSolutions-SQS3': 'This queue is itself the on-failure destination of the outbox stream mapping: it holds pointers to stream records the dispatcher gave up on (the records stay pending, and the sweeper retries them); it is alarmed, not redriven.',
  });

  for (const [name, invokers] of asyncInvokers) {
    const queue = stateless.asyncFailureQueues.get(name);
    if (!queue) throw new Error(`No async failure queue for ${name}`);
    acknowledge(queue, {
      'AwsSolutions-SQS3': `This queue is itself the on-failure destination of ${name}'s asynchronous invocations (by ${invokers.join(', ')}): the last stop for events the function failed on; it is alarmed and read by an operator, not redriven.`,
    });
  }
}

function acknowledge(scope: IConstruct, findings: Record<string, string>): void {
  for (const [id, reason] of Object.entries(findings)) Validations.of(scope).acknowledge({ id, reason });
}

/** IAM5 findings come one per wildcard: `AwsSolutions-IAM5[<wildcard>]`. */
function iam5(findings: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(findings).map(([wildcard, reason]) => [`AwsSolutions-IAM5[${wildcard}]`, reason]));
}

/** A token as cdk-nag writes it in a finding: `<LogicalId.Attribute>`, or an import's export name. */
function nagName(stack: Stack, value: string): string {
  return flattenCfnReference(stack.resolve(value));
}
