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
] as const satisfies readonly EventRuleDefinition[];
