import type { EntityItem } from 'electrodb';
import { Entity } from '../electrodb';
import { tableKeys } from '../keys';
import { taskKinds } from '../../domain/tasks';

/**
 * One thing one person has to do next (shared/domain/tasks.ts): an invoice to review, submit or
 * revise, an invite to answer or to bill. Written and removed in the same transaction as the
 * state change that makes it (or ends it); a page read checks each one against the current state.
 * `subjectId` is the invoice id or the invite id (`<billingPeriodId>.<commitmentId>`).
 */
export const Task = /* @__PURE__ */ (() => new Entity({
  model: { entity: 'task', version: '1', service: 'claims' },
  attributes: {
    projectId: { type: 'string', required: true, readOnly: true },
    subjectId: { type: 'string', required: true, readOnly: true },
    userId: { type: 'string', required: true, readOnly: true },
    kind: { type: taskKinds, required: true },
    commitmentId: { type: 'string', required: true, readOnly: true },
    billingPeriodId: { type: 'string', required: true, readOnly: true },
    /** Set on invoice tasks. */
    invoiceId: { type: 'string' },
    /** The billing period's due date (YYYY-MM-DD, project time): what a person's tasks sort by. */
    dueDate: { type: 'string', required: true },
    createdAt: { type: 'string', required: true },
  },
  indexes: {
    /** A subject's tasks, one per assignee: what a state change replaces. */
    bySubject: {
      pk: { field: tableKeys.primary.pk, composite: ['projectId', 'subjectId'] },
      sk: { field: tableKeys.primary.sk, composite: ['userId'] },
    },
    /** A person's tasks across every project, by due date: "my work" is one Query per page. */
    byAssignee: {
      index: 'gsi2',
      pk: { field: tableKeys.gsi2.pk, composite: ['userId'] },
      sk: { field: tableKeys.gsi2.sk, composite: ['dueDate', 'projectId', 'subjectId'] },
    },
  },
}))();

export type TaskItem = EntityItem<typeof Task>;
