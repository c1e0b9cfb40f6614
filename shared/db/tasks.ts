/**
 * "My work" storage: the Task items of shared/db/entities/task.ts, written with the state changes
 * that make or end them, and read one page per request in a fixed number of DynamoDB calls:
 * one Query of the caller's tasks and one BatchGet of everything the page shows and checks.
 */
import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { createConversions } from './electrodb';
import { setTimeout as sleep } from 'node:timers/promises';
import { dynamoDocumentClient } from '../aws/dynamo';
import { config } from '../config';
import { assigneesOf, audienceOf, invoiceTaskKind, inviteTaskKind, isInvoiceAdministrator, maxTaskPage, type TaskKind } from '../domain/tasks';
import { inviteIdOf } from '../domain/invites';
import { entitiesOf } from './service';
import { isConditionalFailure } from './conditions';
import { Task, type TaskItem } from './entities/task';
import type { WriteEntities, WriteItem } from './transaction';
import { BillingPeriod, type BillingPeriodItem } from './entities/billing-period';
import { Commitment, type CommitmentItem } from './entities/commitment';
import { Invite, type InviteItem } from './entities/invite';
import { Invoice, type InvoiceItem } from './entities/invoice';
import { Member, type MemberItem } from './entities/member';
import { Project, type ProjectItem } from './entities/project';

const taskEntities = /* @__PURE__ */ entitiesOf({ Task, Member, Invoice, BillingPeriod, Invite, Project, Commitment });

export type { TaskItem };

// ---------------------------------------------------------------------------------------------
// Writing: what a state change puts and removes

/** The tasks one subject (an invoice or an invite) should have after a change. */
export interface SubjectTasks {
  projectId: string;
  subjectId: string;
  commitmentId: string;
  billingPeriodId: string;
  invoiceId?: string;
  dueDate: string;
  /** Undefined: the subject is nobody's task any more. */
  kind: TaskKind | undefined;
  assigneeIds: readonly string[];
}

/** The invoice's tasks in its (new) state: reviews for administrators, sending for contacts. */
export function invoiceSubject(
  invoice: Pick<InvoiceItem, 'projectId' | 'invoiceId' | 'commitmentId' | 'billingPeriodId'>,
  kind: TaskKind | undefined,
  people: { commitment: Pick<CommitmentItem, 'invoiceContactIds'>; administratorIds: readonly string[]; dueDate: string },
): SubjectTasks {
  return {
    projectId: invoice.projectId,
    subjectId: invoice.invoiceId,
    commitmentId: invoice.commitmentId,
    billingPeriodId: invoice.billingPeriodId,
    invoiceId: invoice.invoiceId,
    dueDate: people.dueDate,
    kind,
    assigneeIds: kind ? assigneesOf(kind, { administratorIds: people.administratorIds, contactIds: people.commitment.invoiceContactIds }) : [],
  };
}

/** The invite's tasks in its (new) state: answering it, then billing the period, for the commitment's contacts. */
export function inviteSubject(
  invite: Pick<InviteItem, 'projectId' | 'billingPeriodId' | 'commitmentId'>,
  kind: TaskKind | undefined,
  people: { contactIds: readonly string[]; dueDate: string },
): SubjectTasks {
  return {
    projectId: invite.projectId,
    subjectId: inviteIdOf(invite.billingPeriodId, invite.commitmentId),
    commitmentId: invite.commitmentId,
    billingPeriodId: invite.billingPeriodId,
    dueDate: people.dueDate,
    kind,
    assigneeIds: kind ? [...new Set(people.contactIds)] : [],
  };
}

/** The task items a subject should have: one per assignee. */
export function subjectTaskItems(subject: SubjectTasks, now: string): TaskItem[] {
  if (!subject.kind) return [];
  return subject.assigneeIds.map((userId) => ({
    projectId: subject.projectId,
    subjectId: subject.subjectId,
    userId,
    kind: subject.kind!,
    commitmentId: subject.commitmentId,
    billingPeriodId: subject.billingPeriodId,
    ...(subject.invoiceId ? { invoiceId: subject.invoiceId } : {}),
    dueDate: subject.dueDate,
    createdAt: now,
  }));
}

/** A subject's stored tasks (one Query: they share a partition). */
export async function loadSubjectTasks(projectId: string, subjectId: string): Promise<TaskItem[]> {
  const { data } = await taskEntities().Task.query.bySubject({ projectId, subjectId }).go({ pages: 'all' });
  return data;
}

/** The project's invoice administrators (one Query of its members, paged by DynamoDB's 1 MB). */
export async function loadAdministratorIds(projectId: string): Promise<string[]> {
  const { data } = await taskEntities().Member.query.byProject({ projectId }).go({ pages: 'all' });
  return data.filter((member) => isInvoiceAdministrator({ ...member, granular: member.granular ?? [] })).map((member) => member.userId);
}

/** What to put and delete so that the subjects' stored tasks become what they should be. */
export interface TaskPlan {
  put: TaskItem[];
  remove: TaskItem[];
}

/**
 * Reads the subjects' stored tasks (one Query each; a state change has one or two subjects) and
 * plans the difference: tasks that are unchanged are not written again.
 */
export async function planTasks(subjects: readonly SubjectTasks[], now = new Date()): Promise<TaskPlan> {
  const existing = await Promise.all(subjects.map((subject) => loadSubjectTasks(subject.projectId, subject.subjectId)));
  const plan: TaskPlan = { put: [], remove: [] };
  subjects.forEach((subject, index) => {
    const desired = subjectTaskItems(subject, now.toISOString());
    const stored = existing[index]!;
    const wanted = new Map(desired.map((item) => [item.userId, item]));
    plan.remove.push(...stored.filter((item) => !wanted.has(item.userId)));
    plan.put.push(
      ...desired.filter((item) => {
        const same = stored.find((s) => s.userId === item.userId);
        return !same || same.kind !== item.kind || same.dueDate !== item.dueDate;
      }),
    );
  });
  return plan;
}

const taskKey = (item: TaskItem) => ({ projectId: item.projectId, subjectId: item.subjectId, userId: item.userId });

/** The plan as items of the transaction that makes the state change. */
export function taskWrites(entities: Pick<WriteEntities, 'Task'>, plan: TaskPlan): WriteItem[] {
  return [...plan.remove.map((item) => entities.Task.delete(taskKey(item)).commit()), ...plan.put.map((item) => entities.Task.put(item).commit())];
}

/** The plan written on its own (BatchWrite), for changes that are not one transaction (membership backfills). */
export async function applyTaskPlan(plan: TaskPlan): Promise<void> {
  const { Task: tasks } = taskEntities();
  if (plan.remove.length) await tasks.delete(plan.remove.map(taskKey)).go();
  if (plan.put.length) await tasks.put(plan.put).go();
}

/**
 * The task writes for an invoice moving to `status` (created, sent, reviewed, deleted): its tasks
 * become those of the new status (the project's administrators read only when it enters review);
 * `billsInvite` on creation also ends the "bill this period" task of the accepted invite.
 */
export async function planInvoiceTasks(
  invoice: Pick<InvoiceItem, 'projectId' | 'invoiceId' | 'commitmentId' | 'billingPeriodId'>,
  status: InvoiceItem['status'] | undefined,
  commitment: Pick<CommitmentItem, 'invoiceContactIds'>,
  options: { dueDate?: string; billsInvite?: boolean; now?: Date } = {},
): Promise<TaskPlan> {
  const kind = status && invoiceTaskKind(status);
  const [administratorIds, dueDate] = await Promise.all([
    kind === 'review_invoice' ? loadAdministratorIds(invoice.projectId) : [],
    options.dueDate ??
      taskEntities()
        .BillingPeriod.get({ projectId: invoice.projectId, billingPeriodId: invoice.billingPeriodId })
        .go()
        .then(({ data }) => data?.dueDate ?? ''),
  ]);
  const subjects = [invoiceSubject(invoice, kind, { commitment, administratorIds, dueDate })];
  if (options.billsInvite) subjects.push(inviteSubject(invoice, undefined, { contactIds: [], dueDate }));
  return planTasks(subjects, options.now);
}

/** The plan as named items of a `writeTransaction` (`task0`, `task1`, …): they carry no condition. */
export function namedTaskWrites(entities: Pick<WriteEntities, 'Task'>, plan: TaskPlan): Record<`task${number}`, WriteItem> {
  return Object.fromEntries(taskWrites(entities, plan).map((write, index) => [`task${index}`, write]));
}

/**
 * After a membership change: the member's review tasks in the project are what their level says
 * now. An administrator gets one per invoice under review (the project's invoices are read page
 * by page, filtered); anyone else loses theirs. Idempotent, so a retry or a second call is harmless.
 */
export async function syncMemberReviewTasks(projectId: string, userId: string, now = new Date()): Promise<void> {
  const { Member, Invoice, BillingPeriod, Task: tasks } = taskEntities();
  const { data: member } = await Member.get({ projectId, userId }).go({ consistent: true });
  const reviewer = member ? isInvoiceAdministrator({ ...member, granular: member.granular ?? [] }) : false;
  const { data: held } = await tasks.query
    .byAssignee({ userId })
    .where((attr, op) => `${op.eq(attr.projectId, projectId)} AND ${op.eq(attr.kind, 'review_invoice')}`)
    .go({ pages: 'all' });
  if (!reviewer) return applyTaskPlan({ put: [], remove: held });

  const { data: underReview } = await Invoice.query
    .byProject({ projectId })
    .where((attr, op) => op.eq(attr.status, 'under_review'))
    .go({ pages: 'all', attributes: ['projectId', 'invoiceId', 'commitmentId', 'billingPeriodId'] });
  const periodIds = [...new Set(underReview.map((invoice) => invoice.billingPeriodId))];
  const { data: periods } = periodIds.length
    ? await BillingPeriod.get(periodIds.map((billingPeriodId) => ({ projectId, billingPeriodId }))).go()
    : { data: [] };
  const dueDateOf = new Map(periods.map((period) => [period.billingPeriodId, period.dueDate]));
  const heldIds = new Set(held.map((task) => task.subjectId));
  const put = underReview
    .filter((invoice) => !heldIds.has(invoice.invoiceId) && dueDateOf.has(invoice.billingPeriodId))
    .flatMap((invoice) =>
      subjectTaskItems(
        invoiceSubject(invoice, 'review_invoice', { commitment: { invoiceContactIds: [] }, administratorIds: [userId], dueDate: dueDateOf.get(invoice.billingPeriodId)! }),
        now.toISOString(),
      ),
    );
  await applyTaskPlan({ put, remove: [] });
}

// ---------------------------------------------------------------------------------------------
// Reading: one page of the caller's tasks, with everything it shows and checks

/** A page's task with the current state of what it refers to (absent when deleted meanwhile). */
export interface TaskEntry {
  task: TaskItem;
  project?: ProjectItem;
  member?: MemberItem;
  commitment?: CommitmentItem;
  period?: BillingPeriodItem;
  invoice?: InvoiceItem;
  invite?: InviteItem;
}

/** With a `kind` filter, a page reads at most this many times this many index entries. */
const filteredReads = 3;
const filteredReadSize = 100;

const taskCursors = createConversions(Task);

/**
 * One page of the user's tasks by due date: one Query (up to `filteredReads` with a kind filter
 * that skips entries), then one BatchGet of the projects, memberships, commitments, periods and
 * subjects it names. Independent of how many projects the user is in.
 */
export async function loadTaskPage(
  userId: string,
  options: { kinds?: readonly TaskKind[]; cursor: string | null; limit: number },
): Promise<{ entries: TaskEntry[]; cursor: string | null }> {
  const limit = Math.min(options.limit, maxTaskPage);
  const kinds = options.kinds?.length ? options.kinds : undefined;
  const query = () => {
    const byAssignee = taskEntities().Task.query.byAssignee({ userId });
    return kinds ? byAssignee.where((attr, op) => kinds.map((kind) => op.eq(attr.kind, kind)).join(' OR ')) : byAssignee;
  };
  const tasks: TaskItem[] = [];
  let cursor = options.cursor;
  let next: string | null = null;
  for (let reads = 0; reads < (kinds ? filteredReads : 1); reads++) {
    const page = await query().go({ cursor, limit: kinds ? filteredReadSize : limit + 1 });
    const room = limit - tasks.length;
    if (page.data.length > room) {
      tasks.push(...page.data.slice(0, room));
      next = taskCursors.byAccessPattern.byAssignee.fromComposite.toCursor(tasks.at(-1)!);
      break;
    }
    tasks.push(...page.data);
    next = cursor = page.cursor;
    if (!cursor || tasks.length === limit) break;
  }
  return { entries: await loadTaskState(userId, tasks), cursor: next };
}

type Keyed = { entity: keyof ReturnType<typeof taskEntities>; id: string; key: Record<string, string> };

/** The items a page of tasks refers to, in one BatchGetItem (again for whatever DynamoDB left unprocessed). */
async function loadTaskState(userId: string, tasks: readonly TaskItem[]): Promise<TaskEntry[]> {
  if (tasks.length === 0) return [];
  const wanted = new Map<string, Keyed>();
  const want = (entity: Keyed['entity'], id: string, key: Record<string, string>) => wanted.set(`${entity}:${id}`, { entity, id, key });
  for (const task of tasks) {
    const { projectId } = task;
    want('Project', projectId, { projectId });
    want('Member', projectId, { projectId, userId });
    want('Commitment', `${projectId}/${task.commitmentId}`, { projectId, commitmentId: task.commitmentId });
    want('BillingPeriod', `${projectId}/${task.billingPeriodId}`, { projectId, billingPeriodId: task.billingPeriodId });
    if (task.invoiceId) want('Invoice', `${projectId}/${task.invoiceId}`, { projectId, invoiceId: task.invoiceId });
    else want('Invite', `${projectId}/${task.subjectId}`, { projectId, billingPeriodId: task.billingPeriodId, commitmentId: task.commitmentId });
  }

  const entities = taskEntities();
  const keyed = [...wanted.values()].map((item) => {
    const params = (entities[item.entity] as unknown as { get: (key: object) => { params: () => { Key: Record<string, string> } } })
      .get(item.key)
      .params();
    return { ...item, dynamoKey: params.Key };
  });
  const raw = await batchGetRaw(keyed.map((item) => item.dynamoKey));
  const found = new Map<string, unknown>();
  const keyString = (key: Record<string, unknown>) => `${String(key.pk)}|${String(key.sk)}`;
  const rawByKey = new Map(raw.map((item) => [keyString(item), item]));
  for (const item of keyed) {
    const hit = rawByKey.get(keyString(item.dynamoKey));
    if (!hit) continue;
    const parsed = (entities[item.entity] as unknown as { parse: (input: { Item: unknown }) => { data: unknown } }).parse({ Item: hit });
    if (parsed.data) found.set(`${item.entity}:${item.id}`, parsed.data);
  }
  const get = <T>(entity: Keyed['entity'], id: string) => found.get(`${entity}:${id}`) as T | undefined;

  return tasks.map((task) => ({
    task,
    project: get<ProjectItem>('Project', task.projectId),
    member: get<MemberItem>('Member', task.projectId),
    commitment: get<CommitmentItem>('Commitment', `${task.projectId}/${task.commitmentId}`),
    period: get<BillingPeriodItem>('BillingPeriod', `${task.projectId}/${task.billingPeriodId}`),
    invoice: task.invoiceId ? get<InvoiceItem>('Invoice', `${task.projectId}/${task.invoiceId}`) : undefined,
    invite: task.invoiceId ? undefined : get<InviteItem>('Invite', `${task.projectId}/${task.subjectId}`),
  }));
}

/** BatchGetItem over any entities' keys (≤ 100), retrying what DynamoDB leaves unprocessed. */
async function batchGetRaw(keys: Array<Record<string, string>>): Promise<Array<Record<string, unknown>>> {
  const found: Array<Record<string, unknown>> = [];
  let pending = keys;
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt === 4) throw new Error(`BatchGet left ${pending.length} keys unprocessed`);
    if (attempt > 0) await sleep(50 * 2 ** attempt);
    const output = await dynamoDocumentClient().send(new BatchGetCommand({ RequestItems: { [config.tableName]: { Keys: pending } } }));
    found.push(...(output.Responses?.[config.tableName] ?? []));
    pending = (output.UnprocessedKeys?.[config.tableName]?.Keys as Array<Record<string, string>> | undefined) ?? [];
  }
  return found;
}

// ---------------------------------------------------------------------------------------------
// Following a commitment's contacts

/**
 * The task writes for a commitment whose invoice contacts become `contactIds`: its latest invoice's
 * send task (submit or revise) and the invites of the project's open periods (answer or bill) go to
 * the new contacts, the removed ones lose theirs. Bounded: one invoice and one invite per open
 * period, read in a handful of requests, so the plan fits the commitment's save transaction.
 */
export async function planContactTasks(
  commitment: Pick<CommitmentItem, 'projectId' | 'commitmentId'>,
  contactIds: readonly string[],
  now = new Date(),
): Promise<TaskPlan> {
  const { projectId, commitmentId } = commitment;
  const { Invoice, BillingPeriod, Invite } = taskEntities();
  const [{ data: latest }, { data: openPeriods }] = await Promise.all([
    Invoice.query.byCommitment({ projectId, commitmentId }).go({ order: 'desc', limit: 1 }),
    BillingPeriod.query
      .byProject({ projectId })
      .where((attr, op) => op.eq(attr.status, 'open'))
      .go({ pages: 'all', attributes: ['billingPeriodId', 'dueDate'] }),
  ]);
  const { data: invites } = openPeriods.length
    ? await Invite.get(openPeriods.map(({ billingPeriodId }) => ({ projectId, billingPeriodId, commitmentId }))).go()
    : { data: [] };
  const dueDateOf = new Map(openPeriods.map((period) => [period.billingPeriodId, period.dueDate]));

  const subjects: SubjectTasks[] = [];
  const invoice = latest[0];
  const invoiceKind = invoice && invoiceTaskKind(invoice.status);
  if (invoice && invoiceKind && audienceOf(invoiceKind) === 'contacts') {
    const dueDate =
      dueDateOf.get(invoice.billingPeriodId) ??
      (await BillingPeriod.get({ projectId, billingPeriodId: invoice.billingPeriodId }).go()).data?.dueDate ??
      '';
    subjects.push(invoiceSubject(invoice, invoiceKind, { commitment: { invoiceContactIds: [...contactIds] }, administratorIds: [], dueDate }));
  }
  for (const invite of invites) {
    const kind = inviteTaskKind(invite, invoice?.billingPeriodId === invite.billingPeriodId);
    if (kind) subjects.push(inviteSubject(invite, kind, { contactIds, dueDate: dueDateOf.get(invite.billingPeriodId)! }));
  }
  return planTasks(subjects, now);
}

// ---------------------------------------------------------------------------------------------
// Following a billing period's due date

/**
 * Gives the period's task items its current due date (read now, so late or repeated events agree):
 * its invites and invoices are read a page at a time, each page's subjects' tasks queried together,
 * and only the items with another date rewritten (a condition keeps an ended task ended).
 * Returns how many were rewritten.
 */
export async function resyncPeriodTaskDueDates(projectId: string, billingPeriodId: string): Promise<number> {
  const { BillingPeriod, Invite, Invoice, Task: tasks } = taskEntities();
  const { data: period } = await BillingPeriod.get({ projectId, billingPeriodId }).go({ consistent: true });
  if (!period) return 0;
  let rewritten = 0;
  const resyncSubjects = async (subjectIds: readonly string[]) => {
    const stored = (await Promise.all(subjectIds.map((subjectId) => loadSubjectTasks(projectId, subjectId)))).flat();
    const stale = stored.filter((task) => task.dueDate !== period.dueDate);
    await Promise.all(
      stale.map(async (task) => {
        try {
          await tasks.patch(taskKey(task)).set({ dueDate: period.dueDate }).where((attr, op) => op.exists(attr.kind)).go();
          rewritten += 1;
        } catch (error) {
          if (!isConditionalFailure(error)) throw error; // ended meanwhile: nothing to date
        }
      }),
    );
  };
  const pageSize = 25;
  let cursor: string | null = null;
  do {
    const page: { data: Array<{ commitmentId: string }>; cursor: string | null } = await Invite.query
      .byPeriod({ projectId, billingPeriodId })
      .go({ cursor, limit: pageSize, attributes: ['commitmentId'] });
    await resyncSubjects(page.data.map((invite) => inviteIdOf(billingPeriodId, invite.commitmentId)));
    cursor = page.cursor;
  } while (cursor);
  do {
    const page: { data: Array<{ invoiceId: string }>; cursor: string | null } = await Invoice.query
      .byPeriod({ projectId, billingPeriodId })
      .go({ cursor, limit: pageSize, attributes: ['invoiceId'] });
    await resyncSubjects(page.data.map((invoice) => invoice.invoiceId));
    cursor = page.cursor;
  } while (cursor);
  return rewritten;
}
