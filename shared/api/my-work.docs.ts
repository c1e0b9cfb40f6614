/** The my work routes' documentation (summaries, tags, what they answer, with the answers' schemas): read by the OpenAPI document only, so no handler bundles it. */
import * as z from '../zod';
import { taskKinds } from '../domain/tasks';
import { invoiceStatuses } from '../domain/invoices';
import { inviteStatuses } from '../domain/invites';
import type { OperationIdOf, RouteDocs } from '../wiring/route-definition';
import type { myWorkRoutes } from './my-work';

export const myTask = z.withMeta(
  z.object({
    kind: z.withMeta(z.enum(taskKinds), {
      description:
        '`review_invoice`: an invoice under review, for invoice administrators; `submit_invoice` (a draft) and `resubmit_invoice` ' +
        '(sent back to revise & resubmit): for the commitment’s invoice contacts; `answer_invite`: an invite to bill not answered yet; ' +
        '`create_invoice`: an accepted invite whose commitment has no invoice for the period yet',
    }),
    dueDate: z.withMeta(z.iso.date(), { description: 'The billing period’s due date (project time): what the list is sorted by' }),
    project: z.object({ projectId: z.string(), name: z.string(), number: z.string() }),
    commitment: z.object({ commitmentId: z.string(), number: z.string(), title: z.string(), vendorName: z.string() }),
    billingPeriod: z.object({ billingPeriodId: z.string(), startDate: z.iso.date(), endDate: z.iso.date(), dueDate: z.iso.date() }),
    invoice: z.nullable(
      z.object({
        invoiceId: z.string(),
        number: z.string(),
        status: z.enum(invoiceStatuses),
        paymentScheduleDue: z.withMeta(z.nullable(z.object({ dueOn: z.iso.date(), status: z.enum(['due', 'overdue']) })), {
          description:
            'On Australian projects, the payment schedule this claim awaits: the day it must be served by, and whether that day has passed; null when none is awaited (served, or not an Australian claim)',
        }),
      }),
    ),
    invite: z.nullable(z.object({ inviteId: z.string(), status: z.enum(inviteStatuses) })),
  }),
  { id: 'MyTask', description: 'One thing the caller can do now in one of their projects' },
);
export type MyTask = z.infer<typeof myTask>;

export const myTaskList = z.withMeta(
  z.object({
    items: z.array(myTask),
    nextCursor: z.withMeta(z.nullable(z.string()), { description: 'Pass as `cursor` for the next page; null on the last page' }),
  }),
  { id: 'MyTaskList' },
);

export const myWorkDocs = {
  listMyTasks: {
    summary: 'The caller’s work across their projects, by due date: invoices to review, submit or revise, invites to answer or bill',
    tags: ['users'],
    response: { description: 'One page of tasks (a page may hold fewer than `limit` when some stopped being actionable)', schema: myTaskList },
  },
} satisfies Record<OperationIdOf<typeof myWorkRoutes>, RouteDocs>;
