import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../shared/db/service';
import { handler as sendEmail } from '../../functions/events/send-email';
import { dispatchOutbox } from '../../shared/db/outbox';
import { handler as hourlyReminders } from '../../functions/scheduled/invite-reminders';
import { reminderInstant } from '../../shared/db/invites';
import { paymentScheduleDeadline } from '../../shared/domain/au-payment-schedules';
import { startRecordingBus, deliveredEvent, type RecordedEvent } from '../support/event-recorder';
import { sentEmails } from '../support/mailbox';
import { pageTexts, qpdfCheck } from '../support/pdf-tools';
import { addDays, localDate } from '../../shared/domain/billing-periods';
import { expectProblem, expectRefusal, expectStatus, fieldsOf, type ApiRequest, type Call, type Json, type TestApi } from '../support/api-client';
import {
  createBillingPeriod,
  freshNumber,
  replaceSov,
  startFixtureApi,
  type PermissionFixture,
  type Profile,
  type TestCommitment,
} from '../support/permission-fixtures';

/**
 * Regional payment rules through the local API Gateway against DynamoDB Local: sliding-scale
 * retention set on a commitment (admin only; QLD caps) and applied to the invoices created
 * after it, to the cent; payment schedules served on a progress claim (admin only) with their
 * Security of Payment deadline, to the day. The fixture's project is in Australia/Sydney (NSW).
 */
let api: TestApi;
let fx: PermissionFixture;
let call: Call;
let published: RecordedEvent[];
let stopBus: () => Promise<void>;
const today = localDate(new Date(), 'Australia/Sydney');

beforeAll(async () => {
  // Before any handler creates the EventBridge client: it is pointed at the recording bus.
  const recording = await startRecordingBus();
  published = recording.published;
  stopBus = () => recording.bus.stop();
  ({ api, fx, call } = await startFixtureApi());
});
afterAll(async () => {
  await api?.stop();
  await stopBus?.();
});

const as = (profile: Profile, request: ApiRequest) => call(fx.users[profile].token, request);
const rulesOf = (c: TestCommitment) => `${c.path}/retainage-rules`;
const tenUntilFive = { retainagePercent: '10', until: { kind: 'original_contract_percent', percent: '5' } };

/** The $400,000.00 subcontract: Structure $250,000.00 and Services $150,000.00, 10 % on completed work. */
async function subcontract400k(): Promise<TestCommitment> {
  const number = freshNumber('SS');
  const created = await as('admin', {
    method: 'POST',
    path: `/v1/projects/${fx.projectId}/commitments`,
    body: {
      type: 'subcontract',
      number,
      title: `Sliding scale ${number}`,
      vendorId: fx.vendorId,
      accountingMethod: 'amount',
      retainage: { workPercent: '10', workEnabled: true, materialsPercent: '0', materialsEnabled: false },
      invoiceContactIds: fx.contactIds,
    },
  });
  expectStatus(created, 201, 'create the subcontract');
  const commitment = { commitmentId: created.body.commitmentId, number, path: `/v1/projects/${fx.projectId}/commitments/${created.body.commitmentId}` };
  await replaceSov(call, fx.users.admin.token, commitment, [
    { description: 'Structure', scheduledValueCents: 25_000_000 },
    { description: 'Services', scheduledValueCents: 15_000_000 },
  ]);
  return commitment;
}

let periodOffset = -400;
/** A new (past) billing period, opened by the admin: each claim bills its own. */
async function nextPeriod() {
  periodOffset += 20;
  return createBillingPeriod(call, fx, { startDate: addDays(today, periodOffset), endDate: addDays(today, periodOffset + 9), dueDate: addDays(today, periodOffset + 5) });
}

/** Creates the claim (kind) in a new period, enters per-line figures, approves it; answers the invoice. */
async function claim(commitment: TestCommitment, lines: (ids: string[]) => Json[], kind: 'progress' | 'retainage_release' = 'progress', newPeriod = true): Promise<Json> {
  if (newPeriod) await nextPeriod();
  const created = expectStatus(await as('admin', { method: 'POST', path: `${commitment.path}/invoices`, body: { kind } }), 201, `create a ${kind} invoice`).body;
  const path = `/v1/projects/${fx.projectId}/invoices/${created.invoiceId}`;
  const ids = created.lines.map((l: Json) => l.lineId);
  const edited = expectStatus(await as('admin', { method: 'PATCH', path, body: { lines: lines(ids) }, headers: { 'if-match': `"${created.version}"` } }), 200, 'enter the claim').body;
  expectStatus(await as('admin', { method: 'POST', path: `${path}/status`, body: { status: 'approved' }, headers: { 'if-match': `"${edited.version}"` } }), 200, 'approve the claim');
  return edited;
}
const work = (structure: number, services: number) => (ids: string[]) => [
  { lineId: ids[0], workThisPeriodCents: structure },
  { lineId: ids[1], workThisPeriodCents: services },
];
const retained = (invoice: Json) => invoice.lines.map((l: Json) => l.retainageCents);

describe('sliding-scale retention rules on a commitment', () => {
  let commitment: TestCommitment;
  beforeAll(async () => {
    commitment = await subcontract400k();
  });

  it('admin sets them; every limit is shown in cents', async () => {
    const put = expectStatus(await as('admin', { method: 'PUT', path: rulesOf(commitment), body: { rules: [tenUntilFive] } }), 200, 'set the rules');
    expect(put.body).toMatchObject({
      commitmentId: commitment.commitmentId,
      jurisdiction: 'NSW',
      rules: [{ ...tenUntilFive, limitCents: 2_000_000, description: '10 % until 5 % of the original contract value ($20000.00) is held' }],
      updatedBy: fx.users.admin.userId,
    });
    const read = expectStatus(await as('read_only', { method: 'GET', path: rulesOf(commitment) }), 200, 'read the rules');
    expect(read.body.rules).toHaveLength(1);
  });

  it('refuses other levels: 403 naming the action, 404 for those who cannot see the commitment', async () => {
    for (const profile of ['standard', 'read_only', 'standard+contact'] as const) {
      expectRefusal(await as(profile, { method: 'PUT', path: rulesOf(commitment), body: { rules: [] } }), 403, /sliding-scale retention/);
    }
    expectRefusal(await as('none', { method: 'PUT', path: rulesOf(commitment), body: { rules: [] } }), 404);
    expectRefusal(await as('none', { method: 'GET', path: rulesOf(commitment) }), 404);
  });

  it('refuses bad rules naming each field: more than 5, a limit that could never apply, QLD caps', async () => {
    const six = Array.from({ length: 6 }, (_, i) => ({ retainagePercent: '1', until: { kind: 'amount', cents: (i + 1) * 100 } }));
    expect(fieldsOf(expectProblem(await as('admin', { method: 'PUT', path: rulesOf(commitment), body: { rules: six } }), 400, 'validation'))).toEqual(['rules']);
    const backwards = [tenUntilFive, { retainagePercent: '5', until: { kind: 'amount', cents: 1_000_000 } }];
    expect(fieldsOf(expectProblem(await as('admin', { method: 'PUT', path: rulesOf(commitment), body: { rules: backwards } }), 400, 'validation'))).toEqual(['rules.1.until']);
    const qld = [{ retainagePercent: '12', until: { kind: 'revised_contract_percent', percent: '6' } }];
    const problem = expectProblem(await as('admin', { method: 'PUT', path: rulesOf(commitment), body: { rules: qld, jurisdiction: 'QLD' } }), 400, 'validation');
    expect(fieldsOf(problem)).toEqual(['rules.0.retainagePercent', 'rules.0.until']);
    expect(fieldsOf(expectProblem(await as('admin', { method: 'PUT', path: rulesOf(commitment), body: { rules: [{ retainagePercent: 'ten', until: { kind: 'amount', cents: 1 } }] } }), 400, 'validation'))).toEqual(['rules.0.retainagePercent']);
    // The rules stored are still the first ones.
    expect((await as('admin', { method: 'GET', path: rulesOf(commitment) })).body.rules).toHaveLength(1);
  });
});

describe('worked example through the API: $400,000.00 at 10 % until 5 % ($20,000.00), five claims and two releases', () => {
  let commitment: TestCommitment;
  const claims: Json[] = [];
  beforeAll(async () => {
    commitment = await subcontract400k();
    expectStatus(await as('admin', { method: 'PUT', path: rulesOf(commitment), body: { rules: [tenUntilFive] } }), 200, 'set the rules');
  });

  it('claims 1 and 2: $80,000.00 each, $8,000.00 withheld each', async () => {
    claims.push(await claim(commitment, work(6_000_000, 2_000_000)));
    expect(retained(claims[0])).toEqual([600_000, 200_000]);
    expect(claims[0].slidingScale).toMatchObject({ ruleNumber: 1, limitCents: 2_000_000, withheldToDateCents: 800_000, capped: false });
    expect(claims[0].lines[0].workRetainage.source).toBe('sliding_scale');
    claims.push(await claim(commitment, work(5_000_000, 3_000_000)));
    expect(claims[1].summary).toMatchObject({ totalRetainageCents: 1_600_000, currentPaymentDueCents: 7_200_000 });
  });

  it('claim 3: the cap binds — $4,000.00 withheld instead of $7,333.33, split 2,181.82 / 1,818.18', async () => {
    claims.push(await claim(commitment, work(4_000_000, 3_333_333)));
    expect(claims[2].lines.map((l: Json) => l.workRetainage.retainedThisPeriodCents)).toEqual([218_182, 181_818]);
    expect(claims[2].slidingScale).toMatchObject({ ruleNumber: 1, withheldThisPeriodCents: 400_000, withheldToDateCents: 2_000_000, capped: true });
    expect(claims[2].summary).toMatchObject({ totalRetainageCents: 2_000_000, totalEarnedLessRetainageCents: 21_333_333, currentPaymentDueCents: 6_933_333 });
  });

  it('claims 4 and 5: the limit is reached, nothing more withheld', async () => {
    claims.push(await claim(commitment, work(6_000_000, 4_000_000)));
    claims.push(await claim(commitment, work(4_000_000, 2_666_667)));
    expect(claims[4].slidingScale).toMatchObject({ ruleNumber: null, retainagePercent: '0', withheldToDateCents: 2_000_000 });
    expect(claims[3].summary.currentPaymentDueCents).toBe(10_000_000);
    expect(claims[4].summary).toMatchObject({ totalCompletedAndStoredCents: 40_000_000, totalRetainageCents: 2_000_000, currentPaymentDueCents: 6_666_667 });
    expect(retained(claims[4])).toEqual([1_318_182, 681_818]);
  });

  it('releases: 50 % at practical completion, the rest ($10,000.00) after the defects liability period, apportioned to the cent', async () => {
    /** A retainage-release invoice created with its staged release, then approved as created. */
    const release = async (stage: Json, newPeriod = true) => {
      if (newPeriod) await nextPeriod();
      const created = expectStatus(await as('admin', { method: 'POST', path: `${commitment.path}/invoices`, body: { kind: 'retainage_release', ...stage } }), 201, 'create the release').body;
      const path = `/v1/projects/${fx.projectId}/invoices/${created.invoiceId}`;
      expectStatus(await as('admin', { method: 'POST', path: `${path}/status`, body: { status: 'approved' }, headers: { 'if-match': `"${created.version}"` } }), 200, 'approve the release');
      return created;
    };
    const released = (invoice: Json) => invoice.lines.map((l: Json) => l.workRetainage.releasedThisPeriodCents);
    const refused = await as('admin', { method: 'POST', path: `${commitment.path}/invoices`, body: { kind: 'progress', releasePercent: '50' } });
    expect(fieldsOf(expectProblem(refused, 400, 'validation'))).toEqual(['releasePercent']);

    const first = await release({ releasePercent: '50' });
    expect(released(first)).toEqual([659_091, 340_909]);
    expect(first.summary).toMatchObject({ totalRetainageCents: 1_000_000, currentPaymentDueCents: 1_000_000 });
    await nextPeriod();
    const tooMuch = await as('admin', { method: 'POST', path: `${commitment.path}/invoices`, body: { kind: 'retainage_release', releaseAmountCents: 1_000_001 } });
    expect(fieldsOf(expectProblem(tooMuch, 400, 'validation'))).toEqual(['releaseAmountCents']);
    const second = await release({ releaseAmountCents: 1_000_000 }, false);
    expect(released(second)).toEqual([659_091, 340_909]);
    expect(second.summary).toMatchObject({ totalRetainageCents: 0, currentPaymentDueCents: 1_000_000, balanceToFinishIncludingRetainageCents: 0 });
  });

  it('never retroactive: new rules leave invoices already figured alone', async () => {
    expectStatus(await as('admin', { method: 'PUT', path: rulesOf(commitment), body: { rules: [] } }), 200, 'remove the rules');
    const first = expectStatus(await as('admin', { method: 'GET', path: `/v1/projects/${fx.projectId}/invoices/${claims[0].invoiceId}` }), 200, 'claim 1').body;
    expect(first.slidingScale).toMatchObject({ ruleNumber: 1 });
    expect(retained(first)).toEqual([600_000, 200_000]);
  });
});

describe('payment schedules (NSW project; QLD given)', () => {
  let invoice: Json;
  let commitment: TestCommitment;
  let schedulePath: string;
  beforeAll(async () => {
    commitment = await subcontract400k();
    invoice = await claim(commitment, work(5_000_000, 2_000_000));
    schedulePath = `/v1/projects/${fx.projectId}/invoices/${invoice.invoiceId}/payment-schedule`;
  });

  it('refuses a schedule before the claim is served, and other levels than admin', async () => {
    expectProblem(await as('admin', { method: 'GET', path: schedulePath }), 409, 'conflict');
    const body = { claimServedOn: '2026-12-17', lines: [] };
    for (const profile of ['standard', 'read_only+contact'] as const) {
      expectRefusal(await as(profile, { method: 'POST', path: schedulePath, body }), 403, /payment schedule/);
    }
    expectRefusal(await as('none', { method: 'POST', path: schedulePath, body }), 404);
  });

  it('needs a reason for every difference, naming the line', async () => {
    const [structure] = invoice.lines;
    const problem = expectProblem(
      await as('admin', { method: 'POST', path: schedulePath, body: { claimServedOn: '2026-12-17', servedOn: '2027-01-07', lines: [{ lineId: structure.lineId, scheduledCents: 4_500_000 }] } }),
      400,
      'validation',
    );
    expect(fieldsOf(problem)).toEqual(['lines.0.reason']);
  });

  it('NSW: claim served Thu 17 Dec 2026 → schedule due Fri 8 Jan 2027; served with reasons, shown on the invoice', async () => {
    const [structure, services] = invoice.lines;
    const served = expectStatus(
      await as('admin', {
        method: 'POST',
        path: schedulePath,
        body: {
          claimServedOn: '2026-12-17',
          referenceDate: '2026-12-15',
          servedOn: '2027-01-07',
          lines: [{ lineId: services.lineId, scheduledCents: 1_250_000, reason: 'Defective tiling, level 3' }],
        },
      }),
      200,
      'serve the schedule',
    ).body;
    expect(served).toMatchObject({
      status: 'served',
      servedOn: '2027-01-07',
      servedLate: false,
      claimedCents: 7_000_000,
      scheduledCents: 6_250_000,
      differenceCents: -750_000,
      deadline: { jurisdiction: 'NSW', claimServedOn: '2026-12-17', businessDays: 10, dueOn: '2027-01-08', remindOn: '2027-01-06' },
    });
    expect(served.lines).toEqual([
      { lineId: structure.lineId, description: 'Structure', claimedCents: 5_000_000, scheduledCents: 5_000_000, differenceCents: 0, reason: null },
      { lineId: services.lineId, description: 'Services', claimedCents: 2_000_000, scheduledCents: 1_250_000, differenceCents: -750_000, reason: 'Defective tiling, level 3' },
    ]);
    const read = expectStatus(await as('read_only+contact', { method: 'GET', path: `/v1/projects/${fx.projectId}/invoices/${invoice.invoiceId}` }), 200, 'the contact reads the invoice').body;
    expect(read.paymentSchedule).toEqual({ jurisdiction: 'NSW', claimServedOn: '2026-12-17', dueOn: '2027-01-08', servedOn: '2027-01-07', scheduledCents: 6_250_000, differenceCents: -750_000 });
    expect((await as('read_only+contact', { method: 'GET', path: schedulePath })).body.status).toBe('served');
  });

  it('emails the served schedule to each invoice contact once, with its PDF: lines, reasons, totals, dates and the Act', async () => {
    const emailIds = (events: RecordedEvent[]) => events.filter((e) => e.detailType === 'email.requested' && String(e.detail.emailId).startsWith(`payment-schedule:${invoice.invoiceId}:`));
    const requested = emailIds(published);
    expect(requested.map((e) => e.detail.to[0]).sort()).toEqual(fx.contactIds.map((id) => Object.values(fx.users).find((u) => u.userId === id)!.email).sort());
    const detail = requested.find((e) => e.detail.to[0] === fx.users['read_only+contact'].email)!.detail;
    expect(detail.subject).toMatch(new RegExp(`^Payment schedule for Progress Claim ${invoice.number} – ${commitment.number} Sliding scale ${commitment.number} \\(`));
    expect(detail.text).toContain('Building and Construction Industry Security of Payment Act 1999 (NSW)');
    expect(detail.text).toContain('Scheduled amount: $62,500.00');

    await expect(sendEmail(deliveredEvent('email.requested', detail))).resolves.toMatchObject({ status: 'sent' });
    const sent = await sentEmails(detail.subject);
    const delivered = sent.filter((e) => e.destination.to.includes(fx.users['read_only+contact'].email));
    expect(delivered).toHaveLength(1);
    expect(delivered[0]!.attachments).toHaveLength(1);
    const pdf = Buffer.from(delivered[0]!.attachments[0]!.content, 'base64');
    qpdfCheck(pdf);
    const text = pageTexts(pdf).join('\n').replace(/[ \t]+/g, ' ');
    for (const shown of [
      'Payment Schedule',
      'Building and Construction Industry Security of Payment Act 1999 (NSW), s 14(4)',
      'Reference date: 15 Dec 2026',
      'Claim served: 17 Dec 2026',
      'Schedule due by: 8 Jan 2027',
      'Schedule served: 7 Jan 2027',
      '1 Structure $50,000.00 $50,000.00 $0.00',
      '2 Services $20,000.00 $12,500.00 -$7,500.00 Defective tiling, level 3',
      'Totals $70,000.00 $62,500.00 -$7,500.00',
    ]) {
      expect(text).toContain(shown);
    }

    // A retried dispatch and a redelivered event send nothing twice.
    const { data: records } = await db().Outbox.scan.go({ pages: 'all' });
    const ours = records.filter((r) => requested.some((e) => r.detail.includes(`"emailId":"${e.detail.emailId}"`))).map((r) => r.outboxId);
    expect(ours).toHaveLength(requested.length);
    expect((await dispatchOutbox(ours)).skipped.sort()).toEqual([...ours].sort());
    await expect(sendEmail(deliveredEvent('email.requested', detail))).resolves.toMatchObject({ status: 'already-sent' });
    expect((await sentEmails(detail.subject)).filter((e) => e.destination.to.includes(fx.users['read_only+contact'].email))).toHaveLength(1);
    expect(emailIds(published)).toHaveLength(requested.length);
  });

  it('QLD: the same claim is due Thu 28 Jan 2027 (22 Dec–10 Jan and Australia Day are not business days); Easter 2027', async () => {
    const qld = expectStatus(await as('admin', { method: 'POST', path: schedulePath, body: { claimServedOn: '2026-12-17', jurisdiction: 'QLD', servedOn: '2027-01-29', lines: [] } }), 200, 'QLD').body;
    expect(qld).toMatchObject({ status: 'served', servedLate: true, deadline: { jurisdiction: 'QLD', businessDays: 15, dueOn: '2027-01-28' } });
    const easter = expectStatus(await as('admin', { method: 'POST', path: schedulePath, body: { claimServedOn: '2027-03-17', servedOn: '2027-04-01', lines: [] } }), 200, 'Easter').body;
    expect(easter.deadline).toMatchObject({ jurisdiction: 'QLD', dueOn: '2027-04-09' });
  });

  it('flags a submitted claim without a schedule overdue once its deadline passed', async () => {
    const commitment = await subcontract400k();
    const late = await claim(commitment, work(1_000_000, 0));
    await db().Invoice.patch({ projectId: fx.projectId, invoiceId: late.invoiceId }).set({ submittedAt: '2026-11-01T23:00:00.000Z' }).go();
    const path = `/v1/projects/${fx.projectId}/invoices/${late.invoiceId}/payment-schedule`;
    const due = expectStatus(await as('read_only+contact', { method: 'GET', path }), 200, 'deadline').body;
    // Submitted 10 am 2 Nov in Sydney: 10 NSW business days → Mon 16 Nov 2026.
    expect(due).toMatchObject({ status: today > '2026-11-16' ? 'overdue' : 'due', servedOn: null, deadline: { claimServedOn: '2026-11-02', dueOn: '2026-11-16' } });
    // The invoice answer says the same once the hourly job has worked the deadline out.
    await db().PaymentScheduleReminder.create({ projectId: fx.projectId, invoiceId: late.invoiceId, remindAt: new Date().toISOString(), createdAt: new Date().toISOString() }).go();
    await hourlyReminders({ schedule: 'invite-reminders', scheduledTime: new Date().toISOString() });
    const read = expectStatus(await as('read_only+contact', { method: 'GET', path: `/v1/projects/${fx.projectId}/invoices/${late.invoiceId}` }), 200, 'the claim').body;
    expect(read.paymentScheduleDue).toEqual({ jurisdiction: 'NSW', claimServedOn: '2026-11-02', dueOn: '2026-11-16', status: today > '2026-11-16' ? 'overdue' : 'due' });
  });
});

describe('payment schedule reminder to the commitments administrators', () => {
  /** A claim sent for review by the admin today: it awaits a NSW payment schedule. */
  async function submittedClaim(): Promise<Json> {
    const commitment = await subcontract400k();
    await nextPeriod();
    const created = expectStatus(await as('admin', { method: 'POST', path: `${commitment.path}/invoices`, body: { kind: 'progress' } }), 201, 'create').body;
    const path = `/v1/projects/${fx.projectId}/invoices/${created.invoiceId}`;
    const lines = work(1_000_000, 500_000)(created.lines.map((l: Json) => l.lineId));
    const edited = expectStatus(await as('admin', { method: 'PATCH', path, body: { lines }, headers: { 'if-match': `"${created.version}"` } }), 200, 'enter').body;
    return expectStatus(await as('admin', { method: 'POST', path: `${path}/status`, body: { status: 'under_review' }, headers: { 'if-match': `"${edited.version}"` } }), 200, 'submit').body;
  }
  const run = (at: string) => hourlyReminders({ schedule: 'invite-reminders', scheduledTime: at });
  const remindersOf = (invoiceId: string) => published.filter((e) => e.detailType === 'email.requested' && String(e.detail.emailId).startsWith(`payment-schedule-reminder:${invoiceId}:`));

  it('reminds each admin once, 2 NSW business days before the schedule is due; a served schedule is not reminded', async () => {
    const claim = await submittedClaim();
    const served = await submittedClaim();
    expectStatus(await as('admin', { method: 'POST', path: `/v1/projects/${fx.projectId}/invoices/${served.invoiceId}/payment-schedule`, body: { lines: [] } }), 200, 'serve');

    // Indexed at submission for its reminder day; a run before then has nothing to do.
    const deadline = paymentScheduleDeadline({ jurisdiction: 'NSW', claimServedOn: today });
    const remindAt = reminderInstant(deadline.remindOn, 'Australia/Sydney');
    const { data: entry } = await db().PaymentScheduleReminder.get({ projectId: fx.projectId, invoiceId: claim.invoiceId }).go();
    expect(entry?.remindAt).toBe(remindAt);
    expect((await run(new Date().toISOString())).paymentSchedules).toEqual({ reminded: 0, rescheduled: 0, dropped: 0 });
    // The deadline is kept with the submission: the invoice answer flags it due at once (and the served one served).
    const invoicePath = (id: string) => `/v1/projects/${fx.projectId}/invoices/${id}`;
    const awaiting = expectStatus(await as('read_only+contact', { method: 'GET', path: invoicePath(claim.invoiceId) }), 200, 'the awaiting claim').body;
    expect(awaiting.paymentScheduleDue).toEqual({ jurisdiction: 'NSW', claimServedOn: today, dueOn: deadline.dueOn, status: 'due' });
    expect(awaiting.promptPayment).toBeNull();
    const answered = expectStatus(await as('admin', { method: 'GET', path: invoicePath(served.invoiceId) }), 200, 'the answered claim').body;
    expect(answered.paymentScheduleDue).toMatchObject({ jurisdiction: 'NSW', status: 'served' });
    // "My work" flags the awaited schedule on the administrator's review task; the served claim awaits none.
    const tasks: Json[] = [];
    for (let cursor: string | undefined, pages = 0; pages === 0 || (cursor && pages < 50); pages++) {
      const page = expectStatus(await as('admin', { method: 'GET', path: `/v1/me/tasks?kind=review_invoice${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}` }), 200, 'my work').body;
      tasks.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    }
    const reviewOf = (id: string) => tasks.find((t: Json) => t.invoice?.invoiceId === id);
    expect(reviewOf(claim.invoiceId)?.invoice.paymentScheduleDue).toEqual({ dueOn: deadline.dueOn, status: 'due' });
    expect(reviewOf(served.invoiceId)?.invoice.paymentScheduleDue ?? null).toBeNull();

    const hourBefore = new Date(new Date(remindAt).getTime() - 3_600_000).toISOString();
    expect((await run(hourBefore)).paymentSchedules).toEqual({ reminded: 0, rescheduled: 0, dropped: 0 });
    // The served claim's entry falls due too, and is dropped without a reminder.
    expect((await run(remindAt)).paymentSchedules).toEqual({ reminded: 1, rescheduled: 0, dropped: 1 });
    const emails = remindersOf(claim.invoiceId);
    expect(emails.map((e) => e.detail.to[0])).toContain(fx.users.admin.email);
    expect(emails.every((e) => !fx.contactIds.some((id) => e.detail.to[0] === Object.values(fx.users).find((u) => u.userId === id)!.email))).toBe(true);
    const detail = emails.find((e) => e.detail.to[0] === fx.users.admin.email)!.detail;
    expect(detail.text).toContain(`Schedule due by: ${deadline.dueOn}`);
    expect(detail.text).toContain('in 2 business days');
    await expect(sendEmail(deliveredEvent('email.requested', detail))).resolves.toMatchObject({ status: 'sent' });
    expect(await sentEmails(detail.subject)).toHaveLength(1);
    expect(remindersOf(served.invoiceId)).toHaveLength(0);

    // Idempotent: the flag is on the invoice, the index entry gone; a later run sends nothing.
    const { data: invoice } = await db().Invoice.get({ projectId: fx.projectId, invoiceId: claim.invoiceId }).go();
    expect(invoice?.paymentScheduleRemindedAt).toBeDefined();
    const later = new Date(new Date(remindAt).getTime() + 3_600_000).toISOString();
    expect((await run(later)).paymentSchedules).toEqual({ reminded: 0, rescheduled: 0, dropped: 0 });
    expect(remindersOf(claim.invoiceId)).toHaveLength(emails.length);
  });
});
