import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LocalEventBus } from '../../infra/local/event-bus';
import { startRecordingBus, type RecordedEvent } from '../support/event-recorder';
import { expectProblem, expectRefusal, expectStatus, fieldsOf, type ApiResponse, type Call, type Json, type TestApi } from '../support/api-client';
import {
  createBillingPeriod,
  createCommitment,
  startFixtureApi,
  type PermissionFixture,
  type Profile,
  type TestBillingPeriod,
  type TestCommitment,
} from '../support/permission-fixtures';
import { db } from '../../shared/db/service';
import { mockClient } from 'aws-sdk-client-mock';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { dispatchOutbox, loadStalePending } from '../../shared/db/outbox';
import { appendInvoiceEvent, positionKey, type InvoiceItem, type StoredSovLine } from '../../shared/db/invoices';
import { computeInvoice, type InvoiceContract } from '../../shared/domain/invoice-figures';
import { invoiceStatuses, type InvoiceStatus } from '../../shared/domain/invoices';
import type { LineReviews } from '../../shared/domain/invoice-workflow';
import { addDays, localDate } from '../../shared/domain/billing-periods';

/**
 * The invoice workflow through the local API Gateway against DynamoDB Local: status changes per
 * PERMISSIONS.md level and contact designation, the contact's gates (due date, latest invoice),
 * line review, bulk status, history and races. The bus records `email.requested` instead of sending.
 * Invoices are seeded with the entities (figures computed as the invoices module computes them).
 */
let api: TestApi;
let fx: PermissionFixture;
let call: Call;
let bus: LocalEventBus;
let published: RecordedEvent[] = [];
let period: TestBillingPeriod;
let commitment: TestCommitment;
let privateCommitment: TestCommitment;

const today = localDate(new Date(), 'Australia/Sydney');

beforeAll(async () => {
  ({ bus, published } = await startRecordingBus());
  ({ api, fx, call } = await startFixtureApi());
  period = await createBillingPeriod(call, fx, { startDate: addDays(today, -5), endDate: addDays(today, 25), dueDate: addDays(today, 20) });
  [commitment, privateCommitment] = await Promise.all([createCommitment(call, fx), createCommitment(call, fx, { private: true })]);
}, 60_000);

afterAll(async () => {
  await api?.stop();
  await bus?.stop();
});

beforeEach(async () => {
  await bus.idle();
  published.length = 0;
});

// ---------------------------------------------------------------------------------------------
// Seeding and calls

let invoiceCounter = 0;

/**
 * An invoice of the commitment in `status`, written with the entities: lines from its SOV, 1,991.25
 * billed on the first line (10% retainage → 199.13, due 1,792.12), and a `created` event.
 */
async function seedInvoice(
  target: TestCommitment,
  options: { status?: InvoiceStatus; position?: number; lineReviews?: LineReviews } = {},
): Promise<InvoiceItem> {
  const key = { projectId: fx.projectId, commitmentId: target.commitmentId };
  const [{ data: sov }, { data: stored }] = await Promise.all([db().Sov.get(key).go(), db().Commitment.get(key).go()]);
  const sovLines: StoredSovLine[] = sov!.lines.map((line) => ({
    lineId: line.lineId,
    description: line.description,
    scheduledValueCents: line.scheduledValueCents,
    ...(line.costCode ? { costCode: line.costCode } : {}),
  }));
  const contract: InvoiceContract = {
    originalContractSumCents: stored!.originalContractSumCents,
    approvedChangeOrdersCents: stored!.approvedChangeOrdersCents,
    retainage: { ...stored!.retainage },
  };
  const entries = sovLines.map((line, index) => ({ lineId: line.lineId, ...(index === 0 ? { workThisPeriodCents: 199_125 } : {}) }));
  const at = new Date().toISOString();
  const status = options.status ?? 'draft';
  const item: InvoiceItem = {
    ...key,
    invoiceId: randomUUID(),
    billingPeriodId: period.billingPeriodId,
    number: `INV-${++invoiceCounter}`,
    position: options.position ?? 1,
    kind: 'progress',
    status,
    paymentStatus: 'unpaid',
    paidCents: 0,
    entries,
    figures: computeInvoice({ sovLines, contract, entries, overbillingAllowed: false }),
    sovLines,
    contract,
    ...(options.lineReviews ? { lineReviews: options.lineReviews } : {}),
    createdBy: fx.users.admin.userId,
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
  await db().Invoice.create(item).go();
  // The position is held as the invoices module holds it: what "the latest invoice" is decided on.
  await db().InvoiceNumber.put({ ...key, normalizedNumber: positionKey(item.position), invoiceId: item.invoiceId }).go();
  await appendInvoiceEvent({ projectId: fx.projectId, invoiceId: item.invoiceId, type: 'created', by: fx.users.admin.userId, at, toStatus: status });
  return item;
}

const invoicePath = (invoiceId: string, projectId = fx.projectId) => `/v1/projects/${projectId}/invoices/${invoiceId}`;

/** If-Match with the invoice's current version, as a client that just read it sends (none for an invoice not in the project). */
async function currentIfMatch(invoiceId: string): Promise<Record<string, string>> {
  const { data } = await db().Invoice.get({ projectId: fx.projectId, invoiceId }).go({ consistent: true });
  return data ? { 'if-match': `"${data.version}"` } : {};
}

/** POST …/status; If-Match is the invoice's current ETag unless `headers` say otherwise (`{}`: none). */
const setStatus = async (token: string, invoiceId: string, status: InvoiceStatus, extra: { comment?: string; headers?: Record<string, string> } = {}) =>
  call(token, {
    method: 'POST',
    path: `${invoicePath(invoiceId)}/status`,
    body: { status, ...(extra.comment ? { comment: extra.comment } : {}) },
    headers: extra.headers ?? (await currentIfMatch(invoiceId)),
  });

/** POST …/review; If-Match as for setStatus. */
const review = async (token: string, invoiceId: string, body: Json, headers?: Record<string, string>) =>
  call(token, { method: 'POST', path: `${invoicePath(invoiceId)}/review`, body, headers: headers ?? (await currentIfMatch(invoiceId)) });

const history = async (token: string, invoiceId: string, query = '') =>
  call(token, { method: 'GET', path: `${invoicePath(invoiceId)}/history${query}` });

async function storedStatus(invoiceId: string): Promise<InvoiceStatus> {
  const { data } = await db().Invoice.get({ projectId: fx.projectId, invoiceId }).go({ consistent: true });
  return data!.status;
}

/** The `email.requested` events published so far (after the bus delivered everything). */
async function emails(): Promise<Json[]> {
  await bus.idle();
  return published.filter((p) => p.detailType === 'email.requested').map((p) => p.detail);
}

const contactProfiles = ['read_only+contact', 'standard+contact'] as const satisfies readonly Profile[];
const contactEmails = () => contactProfiles.map((p) => fx.users[p].email).sort();

// ---------------------------------------------------------------------------------------------

describe('status changes per permission level and contact designation', () => {
  /** PERMISSIONS.md by hand: what each profile gets for `from → to` on a visible, non-private commitment. */
  function expected(profile: Profile, from: InvoiceStatus, to: InvoiceStatus): number {
    if (profile === 'none' || profile === 'not_a_member' || profile === 'other_company_admin') return 404;
    if (profile === 'admin') return from === to ? 409 : 200;
    const contact = (contactProfiles as readonly Profile[]).includes(profile);
    // Only an invoice contact sends for review; everything else is the administrator's review.
    if (!contact || to !== 'under_review') return 403;
    return from === 'draft' || from === 'revise_and_resubmit' ? 200 : 409;
  }

  const profilesToTry: Profile[] = [
    'none',
    'read_only',
    'standard',
    'admin',
    'read_only+contact',
    'standard+contact',
    'read_only+G(update_po,update_wo)',
    'standard+private_list',
    'not_a_member',
    'other_company_admin',
  ];

  it.each(profilesToTry)('%s: every from → to', async (profile) => {
    const token = fx.users[profile].token;
    const pairs = invoiceStatuses.flatMap((from) => invoiceStatuses.map((to) => [from, to] as const));
    const outcomes = await Promise.all(
      pairs.map(async ([from, to]) => {
        const invoice = await seedInvoice(commitment, { status: from });
        const response = await setStatus(token, invoice.invoiceId, to);
        return { from, to, invoice, response };
      }),
    );
    for (const { from, to, invoice, response } of outcomes) {
      const want = expected(profile, from, to);
      const what = `${profile}: ${from} → ${to}`;
      expect(response.status, `${what}: ${JSON.stringify(response.body)}`).toBe(want);
      if (want === 200) {
        expect(response.body).toMatchObject({ invoiceId: invoice.invoiceId, status: to, version: 2 });
        expect(response.headers.get('etag')).toBe('"2"');
        expect(await storedStatus(invoice.invoiceId), what).toBe(to);
        continue;
      }
      expect(await storedStatus(invoice.invoiceId), what).toBe(from);
      if (want === 403) expectRefusal(response, 403, profile === 'read_only+contact' || profile === 'standard+contact' ? /review an invoice as invoice administrator/ : /invoice/);
      if (want === 404) expectRefusal(response, 404);
      if (want === 409) {
        const body = expectProblem(response, 409, 'conflict');
        expect(body.detail).toMatch(from === to ? /already/ : /cannot go from/);
      }
    }
  }, 60_000);

  it('a non-contact asking to submit is told it needs the contact designation', async () => {
    const invoice = await seedInvoice(commitment);
    expectRefusal(await setStatus(fx.users.standard.token, invoice.invoiceId, 'under_review'), 403, /submit an invoice as invoice contact.*invoice contact designation/);
    const sentBack = await seedInvoice(commitment, { status: 'revise_and_resubmit' });
    expectRefusal(await setStatus(fx.users.read_only.token, sentBack.invoiceId, 'under_review'), 403, /revise and resubmit an invoice as invoice contact/);
  });

  it('a private commitment’s invoices do not exist for members off its private list', async () => {
    const invoice = await seedInvoice(privateCommitment, { status: 'under_review' });
    expectRefusal(await setStatus(fx.users.standard.token, invoice.invoiceId, 'approved'), 404);
    expectRefusal(await history(fx.users.standard.token, invoice.invoiceId), 404);
    expectRefusal(await setStatus(fx.users['standard+private_list'].token, invoice.invoiceId, 'approved'), 403);
    expectStatus(await setStatus(fx.users.admin.token, invoice.invoiceId, 'approved'), 200, 'admin approves a private commitment’s invoice');
  });

  it('an unknown invoice, or one of another project, is 404', async () => {
    expectRefusal(await setStatus(fx.users.admin.token, randomUUID(), 'approved'), 404);
    const invoice = await seedInvoice(commitment, { status: 'under_review' });
    const response = await call(fx.users.other_company_admin.token, {
      method: 'POST',
      path: `${invoicePath(invoice.invoiceId, fx.other.projectId)}/status`,
      body: { status: 'approved' },
    });
    expectRefusal(response, 404);
  });

  it('validates the body', async () => {
    const invoice = await seedInvoice(commitment);
    const response = await call(fx.users.admin.token, { method: 'POST', path: `${invoicePath(invoice.invoiceId)}/status`, body: { status: 'paid' } });
    expect(fieldsOf(expectProblem(response, 400, 'validation'))).toEqual(['status']);
  });
});

describe('the contact’s gates', () => {
  /** Moves the period's due date, returning a function that puts it back. */
  async function dueOn(dueDate: string) {
    const key = { projectId: fx.projectId, billingPeriodId: period.billingPeriodId };
    const { data } = await db().BillingPeriod.get(key).go();
    await db().BillingPeriod.patch(key).set({ dueDate }).go();
    return () => db().BillingPeriod.patch(key).set({ dueDate: data!.dueDate }).go();
  }

  it('contacts submit and resubmit up to the due date; after it only an administrator can, on their behalf', async () => {
    const onDueDay = await dueOn(today);
    try {
      const draft = await seedInvoice(commitment);
      expectStatus(await setStatus(fx.users['read_only+contact'].token, draft.invoiceId, 'under_review'), 200, 'submit on the due date');
    } finally {
      await onDueDay();
    }
    const restore = await dueOn(addDays(today, -1));
    try {
      const draft = await seedInvoice(commitment);
      const late = expectProblem(await setStatus(fx.users['standard+contact'].token, draft.invoiceId, 'under_review'), 409, 'conflict');
      expect(late.detail).toContain(`due on ${addDays(today, -1)}`);
      const sentBack = await seedInvoice(commitment, { status: 'revise_and_resubmit' });
      expectProblem(await setStatus(fx.users['read_only+contact'].token, sentBack.invoiceId, 'under_review'), 409, 'conflict');
      expect(await storedStatus(draft.invoiceId)).toBe('draft');

      const onBehalf = await setStatus(fx.users.admin.token, draft.invoiceId, 'under_review', { comment: 'Submitted on behalf of the subcontractor' });
      expectStatus(onBehalf, 200, 'admin submits after the due date');
      expectStatus(await setStatus(fx.users.admin.token, sentBack.invoiceId, 'under_review'), 200, 'admin resubmits after the due date');
    } finally {
      await restore();
    }
  });

  it('only the latest invoice of a commitment can be sent by a contact', async () => {
    const own = await createCommitment(call, fx);
    const first = await seedInvoice(own, { position: 1 });
    await seedInvoice(own, { position: 2 });
    const refused = expectProblem(await setStatus(fx.users['standard+contact'].token, first.invoiceId, 'under_review'), 409, 'conflict');
    expect(refused.detail).toMatch(/latest invoice/);
  });
});

describe('review, resubmission, approval and their emails', () => {
  it('walks an invoice through submit → reject a line → resubmit → approve, with the emails and the history', async () => {
    const contact = fx.users['standard+contact'];
    const admin = fx.users.admin;
    const invoice = await seedInvoice(commitment);
    const [line1, line2] = (invoice.sovLines as StoredSovLine[]).map((l) => l.lineId);

    // Submitted by the contact → the invoice administrators (the project's commitments admins).
    const submitted = expectStatus(await setStatus(contact.token, invoice.invoiceId, 'under_review'), 200, 'submit').body;
    expect(submitted.status).toBe('under_review');
    expect(submitted.submittedAt).toEqual(expect.any(String));
    let sent = await emails();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      to: [admin.email],
      subject: `Harbour Tower: ${fx.vendorName} submitted Progress Claim ${invoice.number} for review`,
    });
    expect(sent[0].text).toContain(`${contact.name} of ${fx.vendorName} submitted Progress Claim ${invoice.number}`);
    expect(sent[0].text).toContain('Current payment due: $1,792.12');
    expect(sent[0].text).toContain(`https://app.progress-claims.test/projects/${fx.projectId}/invoices/${invoice.invoiceId}`);
    const submittedEmailId = sent[0].emailId;

    // Line 2 rejected with a reason → revise & resubmit → the contacts, with the line and the reason.
    published.length = 0;
    const reviewed = expectStatus(
      await review(admin.token, invoice.invoiceId, {
        decisions: [
          { lineId: line1, approved: true },
          { lineId: line2, approved: false, reason: 'Cabling to level 12 is not installed yet' },
        ],
        comment: 'Please correct line 2.',
      }),
      200,
      'review',
    ).body;
    expect(reviewed.status).toBe('revise_and_resubmit');
    expect(reviewed.lines.map((l: Json) => l.review && { approved: l.review.approved, reason: l.review.reason })).toEqual([
      { approved: true, reason: null },
      { approved: false, reason: 'Cabling to level 12 is not installed yet' },
    ]);
    sent = await emails();
    expect(sent.map((e) => e.to[0]).sort()).toEqual(contactEmails());
    for (const email of sent) {
      expect(email.subject).toBe(`Harbour Tower: Progress Claim ${invoice.number} needs revision – revise & resubmit`);
      expect(email.text).toContain('- Line 2 (16-200): Cabling and containment — Reason: Cabling to level 12 is not installed yet');
      expect(email.text).toContain('Comment: Please correct line 2.');
      expect(email.html).toContain('Cabling to level 12 is not installed yet');
    }

    // Resubmitted by the other contact → the administrators again; the round's line decisions start over.
    published.length = 0;
    const resubmitted = expectStatus(await setStatus(fx.users['read_only+contact'].token, invoice.invoiceId, 'under_review'), 200, 'resubmit').body;
    expect(resubmitted.lines.map((l: Json) => l.review)).toEqual([null, null]);
    sent = await emails();
    expect(sent).toHaveLength(1);
    expect(sent[0].subject).toBe(`Harbour Tower: ${fx.vendorName} resubmitted Progress Claim ${invoice.number} for review`);
    expect(sent[0].emailId).not.toBe(submittedEmailId);

    // Every line approved and the invoice approved → the contacts (the project notifies on approval).
    published.length = 0;
    const approved = expectStatus(
      await review(admin.token, invoice.invoiceId, { decisions: [line1, line2].map((lineId) => ({ lineId, approved: true })), approveInvoice: true }),
      200,
      'approve',
    ).body;
    expect(approved.status).toBe('approved');
    sent = await emails();
    expect(sent.map((e) => e.to[0]).sort()).toEqual(contactEmails());
    expect(sent.every((e) => e.subject === `Harbour Tower: Progress Claim ${invoice.number} was approved`)).toBe(true);
    expect(new Set(sent.map((e) => e.emailId)).size).toBe(2);

    // The history: every change, in order, with who, from → to, comment and the decisions.
    const events = expectStatus(await history(contact.token, invoice.invoiceId), 200, 'history').body.items;
    expect(events.map((e: Json) => [e.type, e.fromStatus, e.toStatus, e.by])).toEqual([
      ['created', null, 'draft', admin.userId],
      ['status_changed', 'draft', 'under_review', contact.userId],
      ['lines_reviewed', 'under_review', 'revise_and_resubmit', admin.userId],
      ['status_changed', 'revise_and_resubmit', 'under_review', fx.users['read_only+contact'].userId],
      ['lines_reviewed', 'under_review', 'approved', admin.userId],
    ]);
    expect(events[2]).toMatchObject({
      comment: 'Please correct line 2.',
      changes: { decisions: [{ lineId: line1, approved: true }, { lineId: line2, approved: false, reason: 'Cabling to level 12 is not installed yet' }] },
    });
    const times = events.map((e: Json) => e.at);
    expect([...times].sort()).toEqual(times);

    // Paginated: two at a time gives the same events in the same order.
    const paged: Json[] = [];
    let cursor: string | null = null;
    do {
      const page: ApiResponse = await history(contact.token, invoice.invoiceId, `?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expectStatus(page, 200, 'history page');
      paged.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(paged.map((e) => e.eventId)).toEqual(events.map((e: Json) => e.eventId));
  });

  it('every status change is an invoice.status-changed domain event (for webhooks), committed with it', async () => {
    const contact = fx.users['standard+contact'];
    const invoice = await seedInvoice(commitment);
    // A webhook endpoint of the project's company subscribed to it: the event fans out to it as a delivery.
    const { data: project } = await db().Project.get({ projectId: fx.projectId }).go();
    const endpointId = `wh-${invoice.invoiceId}`;
    const at = new Date().toISOString();
    await db()
      .WebhookEndpoint.create({ endpointId, companyId: project!.companyId, url: 'http://127.0.0.1:9/', eventTypes: ['invoice.status-changed'], enabled: true, secret: 'whsec_AAAA', version: 1, createdBy: 'test', createdAt: at, updatedAt: at })
      .go();
    expectStatus(await setStatus(contact.token, invoice.invoiceId, 'under_review'), 200, 'submit');
    const { data: deliveries } = await db().WebhookDelivery.query.byEndpoint({ endpointId }).go();
    await db().WebhookEndpoint.delete({ endpointId }).go();
    expect(deliveries.map((d) => JSON.parse(d.payload))).toEqual([
      {
        type: 'invoice.status-changed',
        timestamp: expect.any(String),
        data: expect.objectContaining({ projectId: fx.projectId, invoiceId: invoice.invoiceId, fromStatus: 'draft', toStatus: 'under_review', changedBy: contact.userId }),
      },
    ]);
  });

  it('a review that approves every line without approveInvoice keeps it under review; the admin then sets approved as noted', async () => {
    const invoice = await seedInvoice(commitment, { status: 'under_review' });
    const lineIds = (invoice.sovLines as StoredSovLine[]).map((l) => l.lineId);
    const partial = expectStatus(await review(fx.users.admin.token, invoice.invoiceId, { decisions: [{ lineId: lineIds[0], approved: true }] }), 200, 'partial review').body;
    expect(partial.status).toBe('under_review');
    expect(await emails()).toEqual([]);
    expectStatus(await setStatus(fx.users.admin.token, invoice.invoiceId, 'approved_as_noted', { comment: 'Retention adjusted' }), 200, 'approve as noted');
    const sent = await emails();
    expect(sent.map((e) => e.to[0]).sort()).toEqual(contactEmails());
    expect(sent[0].subject).toBe(`Harbour Tower: Progress Claim ${invoice.number} was approved as noted`);
    expect(sent[0].text).toContain('Comment: Retention adjusted');
  });

  it('refuses bad reviews, naming the fields', async () => {
    const invoice = await seedInvoice(commitment, { status: 'under_review' });
    const [line1, line2] = (invoice.sovLines as StoredSovLine[]).map((l) => l.lineId);
    const noReason = expectProblem(await review(fx.users.admin.token, invoice.invoiceId, { decisions: [{ lineId: line1, approved: true }, { lineId: line2, approved: false }] }), 400, 'validation');
    expect(fieldsOf(noReason)).toEqual(['decisions.1.reason']);
    const unknown = expectProblem(await review(fx.users.admin.token, invoice.invoiceId, { decisions: [{ lineId: 'nope', approved: true }] }), 400, 'validation');
    expect(fieldsOf(unknown)).toEqual(['decisions.0.lineId']);
    const early = expectProblem(
      await review(fx.users.admin.token, invoice.invoiceId, { decisions: [{ lineId: line1, approved: true }], approveInvoice: true }),
      400,
      'validation',
    );
    expect(fieldsOf(early)).toEqual(['approveInvoice']);
    expect(fieldsOf(expectProblem(await review(fx.users.admin.token, invoice.invoiceId, { decisions: [] }), 400, 'validation'))).toEqual(['decisions']);
    expect(await storedStatus(invoice.invoiceId)).toBe('under_review');

    const draft = await seedInvoice(commitment);
    const notUnderReview = expectProblem(await review(fx.users.admin.token, draft.invoiceId, { decisions: [{ lineId: line1, approved: true }] }), 409, 'conflict');
    expect(notUnderReview.detail).toMatch(/under review.*draft/);
  });

  it('only an invoice administrator reviews lines', async () => {
    const invoice = await seedInvoice(commitment, { status: 'under_review' });
    const decisions = [{ lineId: (invoice.sovLines as StoredSovLine[])[0]!.lineId, approved: true }];
    for (const profile of ['read_only', 'standard', 'read_only+contact', 'standard+contact'] as const) {
      expectRefusal(await review(fx.users[profile].token, invoice.invoiceId, { decisions }), 403, /review an invoice as invoice administrator/);
    }
    expectRefusal(await review(fx.users.none.token, invoice.invoiceId, { decisions }), 404);
  });

  it('sends nothing on approval when the project does not notify contacts, and never emails the actor', async () => {
    const key = { projectId: fx.projectId };
    await db().Project.patch(key).set({ notifyContactsOnApproval: false }).go();
    try {
      const invoice = await seedInvoice(commitment, { status: 'under_review' });
      expectStatus(await setStatus(fx.users.admin.token, invoice.invoiceId, 'approved'), 200, 'approve');
      expect(await emails()).toEqual([]);
    } finally {
      await db().Project.patch(key).set({ notifyContactsOnApproval: true }).go();
    }
    // Submitted by the only administrator on the contact's behalf: no one else to tell.
    const draft = await seedInvoice(commitment);
    expectStatus(await setStatus(fx.users.admin.token, draft.invoiceId, 'under_review'), 200, 'admin submits');
    expect(await emails()).toEqual([]);
  });

  it('a crash between the write and the publish loses no email: it is an outbox record of the change, delivered later, once', async () => {
    const invoice = await seedInvoice(commitment);
    // The publish right after the commit fails, as when the Lambda dies between the two.
    const eventBridge = mockClient(EventBridgeClient);
    eventBridge.on(PutEventsCommand).rejects(new Error('the function died before publishing'));
    try {
      expectStatus(await setStatus(fx.users['standard+contact'].token, invoice.invoiceId, 'under_review'), 200, 'submit');
    } finally {
      eventBridge.restore();
    }
    expect(await emails()).toEqual([]);

    // The record was committed with the change; the sweeper (or the table stream) publishes it.
    const pendingIds = await loadStalePending(new Date(Date.now() + 60_000));
    const pending = (await Promise.all(pendingIds.map(async (outboxId) => (await db().Outbox.get({ outboxId }).go()).data))).filter(
      (record) => record?.detailType === 'email.requested' && record.detail.includes(invoice.invoiceId),
    );
    expect(pending).toHaveLength(1);
    const ids = pending.map((record) => record!.outboxId);
    expect((await dispatchOutbox(ids)).dispatched).toEqual(ids);
    // Delivered again (a stream redelivery): nothing more is published.
    expect((await dispatchOutbox(ids)).skipped).toEqual(ids);
    const sent = await emails();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ to: [fx.users.admin.email], subject: expect.stringContaining(`submitted Progress Claim ${invoice.number}`) });
  });

  it('a retried request with the same Idempotency-Key changes and emails once', async () => {
    const invoice = await seedInvoice(commitment);
    // A retry repeats the request as first sent, If-Match included.
    const headers = { 'idempotency-key': randomUUID(), 'if-match': '"1"' };
    const first = await setStatus(fx.users['standard+contact'].token, invoice.invoiceId, 'under_review', { headers });
    const again = await setStatus(fx.users['standard+contact'].token, invoice.invoiceId, 'under_review', { headers });
    expectStatus(first, 200, 'first');
    expectStatus(again, 200, 'replay');
    expect(again.body).toEqual(first.body);
    expect(await emails()).toHaveLength(1);
    const events = expectStatus(await history(fx.users.admin.token, invoice.invoiceId), 200, 'history').body.items;
    expect(events.map((e: Json) => e.type)).toEqual(['created', 'status_changed']);
  });
});

describe('history access', () => {
  it('follows invoices.view: admin, standard, contacts; not read_only without the designation', async () => {
    const invoice = await seedInvoice(commitment);
    for (const profile of ['admin', 'standard', 'read_only+contact', 'standard+contact'] as const) {
      expectStatus(await history(fx.users[profile].token, invoice.invoiceId), 200, `${profile} reads the history`);
    }
    expectRefusal(await history(fx.users.read_only.token, invoice.invoiceId), 403, /view subcontractor invoices/);
    expectRefusal(await history(fx.users.none.token, invoice.invoiceId), 404);
    expectRefusal(await history(fx.users.not_a_member.token, invoice.invoiceId), 404);
  });
});

describe('bulk status', () => {
  const bulk = (token: string, body: Json) => call(token, { method: 'POST', path: `/v1/projects/${fx.projectId}/invoices/bulk-status`, body });

  it('changes each invoice on its own and answers per invoice', async () => {
    const [underReview, draft, approved, privateOne] = await Promise.all([
      seedInvoice(commitment, { status: 'under_review' }),
      seedInvoice(commitment),
      seedInvoice(commitment, { status: 'approved' }),
      seedInvoice(privateCommitment, { status: 'under_review' }),
    ]);
    const otherProjects = randomUUID();
    const response = await bulk(fx.users.admin.token, {
      invoices: [
        { invoiceId: underReview.invoiceId, version: 1 },
        { invoiceId: draft.invoiceId, from: 'draft' },
        { invoiceId: approved.invoiceId, version: 1 },
        { invoiceId: otherProjects, version: 1 },
        { invoiceId: privateOne.invoiceId, version: 1, from: 'under_review' },
      ],
      status: 'approved',
      comment: 'Approved in the month-end run',
    });
    const { results } = expectStatus(response, 200, 'bulk').body;
    expect(results).toEqual([
      { invoiceId: underReview.invoiceId, ok: true, status: 'approved', version: 2 },
      { invoiceId: draft.invoiceId, ok: true, status: 'approved', version: 2 },
      { invoiceId: approved.invoiceId, ok: false, status: 409, detail: expect.stringMatching(/already approved/) },
      { invoiceId: otherProjects, ok: false, status: 404, detail: 'No such invoice.' },
      { invoiceId: privateOne.invoiceId, ok: true, status: 'approved', version: 2 },
    ]);
    expect(await storedStatus(draft.invoiceId)).toBe('approved');
    expect(await storedStatus(approved.invoiceId)).toBe('approved');
    // Each change is in its invoice's history and emails its contacts.
    const events = expectStatus(await history(fx.users.admin.token, draft.invoiceId), 200, 'history').body.items;
    expect(events.at(-1)).toMatchObject({ type: 'status_changed', fromStatus: 'draft', toStatus: 'approved', comment: 'Approved in the month-end run' });
    expect((await emails()).length).toBe(3 * contactProfiles.length);
  });

  it('answers 412 for an invoice changed between the read and its write', async () => {
    const invoice = await seedInvoice(commitment, { status: 'under_review' });
    // Both expect version 1: the second is refused whether it read before the winner's write (the
    // write's condition) or after it (the expected version).
    const responses = await Promise.all([
      bulk(fx.users.admin.token, { invoices: [{ invoiceId: invoice.invoiceId, version: 1 }], status: 'approved' }),
      bulk(fx.users.admin.token, { invoices: [{ invoiceId: invoice.invoiceId, version: 1 }], status: 'revise_and_resubmit' }),
    ]);
    const results = responses.map((r) => expectStatus(r, 200, 'bulk').body.results[0]);
    expect(results.filter((r: Json) => r.ok)).toHaveLength(1);
    expect(results.find((r: Json) => !r.ok)).toMatchObject({ ok: false, status: 412, detail: expect.stringMatching(/changed since it was read/) });
    const events = expectStatus(await history(fx.users.admin.token, invoice.invoiceId), 200, 'history').body.items;
    expect(events.map((e: Json) => e.type)).toEqual(['created', 'status_changed']);
  });

  it('leaves alone, as 412, an invoice whose version or status moved since the caller read it', async () => {
    const [moved, sentBack, fresh] = await Promise.all([
      seedInvoice(commitment, { status: 'under_review' }),
      seedInvoice(commitment, { status: 'under_review' }),
      seedInvoice(commitment, { status: 'under_review' }),
    ]);
    // Another administrator sends two of them back after this caller read the list.
    for (const invoice of [moved, sentBack]) expectStatus(await setStatus(fx.users.admin.token, invoice.invoiceId, 'revise_and_resubmit'), 200, 'send back');
    published.length = 0;
    const response = await bulk(fx.users.admin.token, {
      invoices: [
        { invoiceId: moved.invoiceId, version: 1 },
        { invoiceId: sentBack.invoiceId, from: 'under_review' },
        { invoiceId: fresh.invoiceId, version: 1 },
      ],
      status: 'approved',
    });
    expect(expectStatus(response, 200, 'bulk').body.results).toEqual([
      { invoiceId: moved.invoiceId, ok: false, status: 412, detail: expect.stringMatching(/version 2, not 1/) },
      { invoiceId: sentBack.invoiceId, ok: false, status: 412, detail: expect.stringMatching(/revise & resubmit, not under review/i) },
      { invoiceId: fresh.invoiceId, ok: true, status: 'approved', version: 2 },
    ]);
    expect(await storedStatus(moved.invoiceId)).toBe('revise_and_resubmit');
    expect(await storedStatus(sentBack.invoiceId)).toBe('revise_and_resubmit');
    // Only the applied change emails anyone.
    expect((await emails()).every((email: Json) => email.emailId.startsWith(`invoice:${fresh.invoiceId}:`))).toBe(true);
  });

  it('needs the version or status last read for each invoice, naming the field', async () => {
    const invoice = await seedInvoice(commitment, { status: 'under_review' });
    const problem = expectProblem(await bulk(fx.users.admin.token, { invoices: [{ invoiceId: invoice.invoiceId }], status: 'approved' }), 400, 'validation');
    expect(fieldsOf(problem)).toEqual(['invoices.0.version']);
    expect(await storedStatus(invoice.invoiceId)).toBe('under_review');
  });

  it('is for administrators, with 1–100 distinct ids', async () => {
    const invoice = await seedInvoice(commitment, { status: 'under_review' });
    const one = [{ invoiceId: invoice.invoiceId, version: 1 }];
    for (const profile of ['read_only', 'standard', 'standard+contact'] as const) {
      expectRefusal(await bulk(fx.users[profile].token, { invoices: one, status: 'approved' }), 403, /bulk edit subcontractor invoice status/);
    }
    // The project is visible to every member; the action is not.
    expectRefusal(await bulk(fx.users.none.token, { invoices: one, status: 'approved' }), 403, /bulk edit/);
    expectRefusal(await bulk(fx.users.not_a_member.token, { invoices: one, status: 'approved' }), 404);
    expect(fieldsOf(expectProblem(await bulk(fx.users.admin.token, { invoices: [], status: 'approved' }), 400, 'validation'))).toEqual(['invoices']);
    const tooMany = Array.from({ length: 101 }, () => ({ invoiceId: randomUUID(), version: 1 }));
    expect(fieldsOf(expectProblem(await bulk(fx.users.admin.token, { invoices: tooMany, status: 'approved' }), 400, 'validation'))).toEqual(['invoices']);
    const twice = [...one, ...one];
    expect(fieldsOf(expectProblem(await bulk(fx.users.admin.token, { invoices: twice, status: 'approved' }), 400, 'validation'))).toEqual(['invoices']);
    expect(await storedStatus(invoice.invoiceId)).toBe('under_review');
  });
});

describe('concurrency', () => {
  it('three approvals and three send-backs with one ETag: one wins, five 412, only the winner emails', async () => {
    const invoice = await seedInvoice(commitment, { status: 'under_review' });
    const headers = { 'if-match': '"1"' };
    const wanted: InvoiceStatus[] = ['approved', 'revise_and_resubmit', 'approved', 'revise_and_resubmit', 'approved', 'revise_and_resubmit'];
    const responses = await Promise.all(wanted.map((status) => setStatus(fx.users.admin.token, invoice.invoiceId, status, { headers })));
    expect(responses.map((r) => r.status).sort()).toEqual([200, 412, 412, 412, 412, 412]);
    for (const lost of responses.filter((r) => r.status === 412)) expectProblem(lost, 412, 'precondition-failed');
    const winner = responses.find((r) => r.status === 200)!;
    expect(winner.body.version).toBe(2);
    expect(await storedStatus(invoice.invoiceId)).toBe(winner.body.status);
    const events = expectStatus(await history(fx.users.admin.token, invoice.invoiceId), 200, 'history').body.items;
    expect(events.map((e: Json) => e.type)).toEqual(['created', 'status_changed']);
    // Every email is the winner's (its id names the one event), and "needs revision" only when a send-back won.
    const sent = await emails();
    const winningEvent = events.at(-1).eventId;
    expect(sent.every((email: Json) => email.emailId.startsWith(`invoice:${invoice.invoiceId}:${winningEvent}:`))).toBe(true);
    const revisionEmails = sent.filter((email: Json) => /needs revision/.test(email.subject));
    if (winner.body.status === 'revise_and_resubmit') expect(revisionEmails.map((e: Json) => e.to[0]).sort()).toEqual(contactEmails());
    else expect(revisionEmails).toEqual([]);
  });

  it('a status change or line review without If-Match is 428, naming the header', async () => {
    const invoice = await seedInvoice(commitment, { status: 'under_review' });
    const withoutIfMatch = {} as Record<string, string>;
    const status = expectProblem(await setStatus(fx.users.admin.token, invoice.invoiceId, 'approved', { headers: withoutIfMatch }), 428, 'precondition-required');
    expect(status.detail).toMatch(/If-Match/);
    const lineId = (invoice.sovLines as StoredSovLine[])[0]!.lineId;
    const reviewed = expectProblem(await review(fx.users.admin.token, invoice.invoiceId, { decisions: [{ lineId, approved: true }] }, withoutIfMatch), 428, 'precondition-required');
    expect(reviewed.detail).toMatch(/If-Match/);
    // A contact's submission needs it too.
    const draft = await seedInvoice(commitment);
    expectProblem(await setStatus(fx.users['standard+contact'].token, draft.invoiceId, 'under_review', { headers: withoutIfMatch }), 428, 'precondition-required');
    expect(await storedStatus(invoice.invoiceId)).toBe('under_review');
    expect(await storedStatus(draft.invoiceId)).toBe('draft');
  });

  it('a stale or malformed If-Match is 412', async () => {
    const invoice = await seedInvoice(commitment, { status: 'under_review' });
    expectProblem(await setStatus(fx.users.admin.token, invoice.invoiceId, 'approved', { headers: { 'if-match': '"7"' } }), 412, 'precondition-failed');
    expectProblem(await setStatus(fx.users.admin.token, invoice.invoiceId, 'approved', { headers: { 'if-match': 'W/"1"' } }), 412, 'precondition-failed');
    expectProblem(
      await review(fx.users.admin.token, invoice.invoiceId, { decisions: [{ lineId: (invoice.sovLines as StoredSovLine[])[0]!.lineId, approved: true }] }, { 'if-match': '"3"' }),
      412,
      'precondition-failed',
    );
    expect(await storedStatus(invoice.invoiceId)).toBe('under_review');
  });
});
