import type { FunctionName } from './functions';
import { eventSource, type DetailType } from '../../events/contracts';

/**
 * Event rules, declared once: an EventBridge rule in AWS, a subscription of the
 * in-process bus locally. Both match on the product's source and the detail-type.
 */
export interface EventRuleDefinition {
  readonly name: string;
  readonly source: typeof eventSource;
  readonly detailType: DetailType;
  readonly target: FunctionName;
  readonly description: string;
}

export const eventRules = [
  {
    name: 'send-email',
    source: eventSource,
    detailType: 'email.requested',
    target: 'sendEmail',
    description: 'Every email the product sends goes through one idempotent sender',
  },
  {
    name: 'invite-emails',
    source: eventSource,
    detailType: 'invites.sent',
    target: 'inviteEmails',
    description: 'Emails each invoice contact of the invited commitments, once per invite and kind',
  },
  {
    name: 'automatic-invites',
    source: eventSource,
    detailType: 'billing-period.opened',
    target: 'automaticInvites',
    description: 'Sends invites for an automatic period when the project asks for it',
  },
  {
    name: 'billing-cycle-worker',
    source: eventSource,
    detailType: 'billing-cycle.due',
    target: 'billingCycleWorker',
    description: 'Opens the due billing periods of one partition of the sharded due index',
  },
  {
    name: 'tasks-resync',
    source: eventSource,
    detailType: 'tasks.resync',
    target: 'tasksResync',
    description: "A billing period's due date changed: its tasks take the new date",
  },
  {
    name: 'deliver-webhooks',
    source: eventSource,
    detailType: 'webhook.deliveries-due',
    target: 'deliverWebhooks',
    description: 'The first attempt of new webhook deliveries (the retry schedule does the rest)',
  },
  {
    name: 'accounting-export',
    source: eventSource,
    detailType: 'accounting-export.requested',
    target: 'accountingExportWorker',
    description: 'Writes a queued accounting export’s files; the job ends succeeded or failed',
  },
  {
    name: 'docusign-envelopes',
    source: eventSource,
    detailType: 'docusign.requested',
    target: 'docusignEnvelopes',
    description: 'The DocuSign call a signature step needs (send, void, resend, store the completed documents), made once',
  },
] as const satisfies readonly EventRuleDefinition[];

/**
 * An AWS service's event, not the product's: Step Functions reports every execution that ends
 * other than by succeeding. In AWS the rule is on the default bus, filtered to the backup state
 * machine; locally the Step Functions runner publishes the same event on the local bus.
 */
export const backupExecutionEndedRule = {
  name: 'backup-execution-ended',
  source: 'aws.states',
  detailType: 'Step Functions Execution Status Change',
  detail: { status: ['FAILED', 'TIMED_OUT', 'ABORTED'] },
  target: 'backupExecutionEnded',
  description: 'A backup whose execution failed, timed out or was stopped: its job fails with the reason, and the requester is emailed',
} as const satisfies { name: string; source: string; detailType: string; detail: Record<string, readonly string[]>; target: FunctionName; description: string };
