import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalEventBus, type LocalEventBus } from '../../infra/local/event-bus';
import { handler as exportWorker } from '../../functions/events/accounting-export';
import { db } from '../../shared/db/service';
import { appendInvoiceEvent, previousFrom } from '../../shared/db/invoices';
import { computeInvoice, type InvoiceContract, type InvoiceFigures, type LineEntry, type StoredSovLine } from '../../shared/domain/invoice-figures';
import { lineColumns, paymentColumns } from '../../shared/domain/accounting-exports';
import { sumCents } from '../../shared/domain/money';
import { expectProblem, expectRefusal, expectStatus, fieldsOf, type ApiRequest, type Json, type TestApi } from '../support/api-client';
import { deliveredEvent } from '../support/event-recorder';
import { createCommitment, startFixtureApi, type PermissionFixture, type Profile, type TestCommitment } from '../support/permission-fixtures';
import type { Call } from '../support/api-client';

/**
 * Accounting exports end to end: 2,000 invoice lines seeded (20 approved invoices of 100 lines,
 * four commitments over five monthly periods, each invoice following the one before), the export
 * requested through the local API Gateway, queued through the outbox and the local event bus to
 * the export function, its CSV parsed and its workbook opened with exceljs, and every invoice's
 * rows summed back to the G702 figures its own GET answers, to the cent.
 */
let api: TestApi;
let fx: PermissionFixture;
let call: Call;
let bus: LocalEventBus;

const as = (profile: Profile, request: ApiRequest) => call(fx.users[profile].token, request);
const exportsPath = () => `/v1/projects/${fx.projectId}/accounting-exports`;

const months = ['2026-01', '2026-02', '2026-03', '2026-04', '2026-05'] as const;
const lastDay = (month: string) => new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5)), 0)).toISOString().slice(0, 10);
const linesPerInvoice = 100;
let periods: Array<{ billingPeriodId: string; startDate: string; endDate: string }>;
let commitments: TestCommitment[];
/** The seeded approved invoices: id → its commitment. */
const approved = new Map<string, TestCommitment>();
let draftInvoiceId: string;
const paymentsInRange: Array<{ amountCents: number; paymentNumber: string }> = [];

function sovFor(commitmentIndex: number): StoredSovLine[] {
  return Array.from({ length: linesPerInvoice }, (_, n) => ({
    lineId: `line-${n + 1}`,
    costCode: `${String(3 + commitmentIndex).padStart(2, '0')}-${String(100 + n)}`,
    // A description a spreadsheet would run, one with CSV's special characters, and plain ones.
    description: n === 0 ? '=HYPERLINK("http://evil.example","click")' : n === 1 ? 'Cable "Cat6", trays\nand risers' : `Works package ${n + 1}`,
    scheduledValueCents: 1_000_000 + 7_919 * n + 131 * commitmentIndex,
  }));
}

/** This month's entries: odd amounts so rounding happens on every line, materials stored then installed, a release at the end. */
function entriesFor(month: number, commitmentIndex: number): LineEntry[] {
  return Array.from({ length: linesPerInvoice }, (_, n) => {
    const entry: LineEntry = { lineId: `line-${n + 1}`, workThisPeriodCents: 33_333 + 1_001 * ((n + month + commitmentIndex) % 17) };
    if (n % 5 === 0) entry.materialsStoredCents = month < 4 ? 12_345 + n : 0;
    if (n % 7 === 0) entry.workRetainagePercent = '7.5';
    if (month === 4 && n % 10 === 3) entry.workRetainageReleasedCents = 1_000;
    return entry;
  });
}

async function seedInvoice(options: {
  commitment: TestCommitment;
  commitmentIndex: number;
  period: { billingPeriodId: string };
  position: number;
  previous: InvoiceFigures | undefined;
  status: 'approved' | 'approved_as_noted' | 'draft';
}): Promise<{ invoiceId: string; figures: InvoiceFigures }> {
  const sovLines = sovFor(options.commitmentIndex);
  const contract: InvoiceContract = {
    originalContractSumCents: sumCents(sovLines.map((line) => line.scheduledValueCents)),
    approvedChangeOrdersCents: 0,
    retainage: { workPercent: '10', workEnabled: true, materialsPercent: '5', materialsEnabled: true },
  };
  const entries = entriesFor(options.position - 1, options.commitmentIndex);
  const figures = computeInvoice({
    sovLines,
    contract,
    entries,
    ...(options.previous && { previous: previousFrom({ figures: options.previous }) }),
    overbillingAllowed: false,
  });
  const invoiceId = randomUUID();
  const now = new Date().toISOString();
  const paidCents = options.position === 1 ? figures.summary.currentPaymentDueCents : 0;
  await db()
    .Invoice.create({
      projectId: fx.projectId,
      invoiceId,
      commitmentId: options.commitment.commitmentId,
      billingPeriodId: options.period.billingPeriodId,
      number: `INV-${options.position}`,
      position: options.position,
      kind: 'progress',
      status: options.status,
      paymentStatus: paidCents > 0 ? 'paid' : 'unpaid',
      paidCents,
      entries,
      figures,
      sovLines,
      contract,
      createdBy: fx.users.admin.userId,
      createdAt: now,
      updatedAt: now,
      version: 1,
    })
    .go();
  if (options.status !== 'draft') {
    await appendInvoiceEvent({
      projectId: fx.projectId,
      invoiceId,
      type: 'status_changed',
      by: fx.users.admin.userId,
      fromStatus: 'under_review',
      toStatus: options.status,
      at: `${months[options.position - 1]}-28T03:00:00.000Z`,
    });
  }
  return { invoiceId, figures };
}

async function seedPayment(commitment: TestCommitment, paymentNumber: string, amountCents: number, paidOn: string, invoiceId?: string) {
  await db()
    .Payment.create({
      projectId: fx.projectId,
      commitmentId: commitment.commitmentId,
      paymentId: randomUUID(),
      paymentNumber,
      method: 'electronic',
      amountCents,
      paidOn,
      ...(invoiceId && { invoiceId }),
      createdBy: fx.users.admin.userId,
      createdAt: new Date().toISOString(),
    })
    .go();
}

/** Polls the job until it has ended (the worker runs on the local bus's delivery). */
async function finished(location: string): Promise<Json> {
  for (let attempt = 0; attempt < 300; attempt++) {
    const job = expectStatus(await as('admin', { method: 'GET', path: location }), 200, 'GET the export').body;
    if (job.status === 'succeeded' || job.status === 'failed') return job;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`export ${location} did not end`);
}

/** RFC 4180: quoted fields (quotes doubled, line breaks inside), CRLF between records. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i++;
    } else field += c;
  }
  expect(field, 'the file ends with CRLF').toBe('');
  return records;
}

/** "-1234.56" → -123456, exactly. */
const centsOf = (decimal: string) => {
  expect(decimal).toMatch(/^-?\d+\.\d{2}$/);
  const negative = decimal.startsWith('-');
  const [whole, fraction] = decimal.replace('-', '').split('.');
  const cents = Number(whole) * 100 + Number(fraction);
  return negative ? -cents : cents;
};

beforeAll(async () => {
  ({ api, fx, call } = await startFixtureApi());
  // The outbox publishes to this bus; it delivers the export's event to the export function, here in-process.
  bus = await startLocalEventBus({
    log: () => undefined,
    retry: { attempts: 3, baseDelayMs: 50 },
    invoke: async (target, event) => (target === 'accountingExportWorker' ? exportWorker(event as never) : undefined),
  });
  process.env.AWS_ENDPOINT_URL_EVENTBRIDGE = bus.endpoint;
  process.env.EVENT_BUS_NAME = bus.busName;

  const createdAt = new Date().toISOString();
  periods = months.map((month, index) => ({ billingPeriodId: `period-${month}-${randomUUID().slice(0, 8)}`, startDate: `${month}-01`, endDate: lastDay(month), position: index }));
  await Promise.all(
    periods.map((period, index) =>
      db()
        .BillingPeriod.create({
          projectId: fx.projectId,
          billingPeriodId: period.billingPeriodId,
          position: index + 1,
          startDate: period.startDate,
          endDate: period.endDate,
          dueDate: period.endDate,
          status: 'closed',
          source: 'manual',
          invoiceCount: 4,
          version: 1,
          createdBy: fx.users.admin.userId,
          createdAt,
          updatedAt: createdAt,
        })
        .go(),
    ),
  );
  commitments = [];
  for (let n = 0; n < 5; n++) commitments.push(await createCommitment(call, fx, { sov: false, private: n === 1 }));
  // Four commitments bill every month, each invoice following its previous one; the fifth has a draft only.
  await Promise.all(
    commitments.slice(0, 4).map(async (commitment, commitmentIndex) => {
      let previous: InvoiceFigures | undefined;
      for (let month = 0; month < months.length; month++) {
        const status = month === 2 && commitmentIndex === 3 ? 'approved_as_noted' : 'approved';
        const seeded = await seedInvoice({ commitment, commitmentIndex, period: periods[month]!, position: month + 1, previous, status });
        approved.set(seeded.invoiceId, commitment);
        previous = seeded.figures;
        if (month === 0) {
          await seedPayment(commitment, `PMT-${commitmentIndex}-1`, seeded.figures.summary.currentPaymentDueCents, '2026-02-14', seeded.invoiceId);
          paymentsInRange.push({ amountCents: seeded.figures.summary.currentPaymentDueCents, paymentNumber: `PMT-${commitmentIndex}-1` });
        }
      }
    }),
  );
  draftInvoiceId = (await seedInvoice({ commitment: commitments[4]!, commitmentIndex: 4, period: periods[0]!, position: 1, previous: undefined, status: 'draft' })).invoiceId;
  // Outside every range asked for below.
  await seedPayment(commitments[0]!, 'PMT-LATE', 5_000, '2026-07-01');
}, 120_000);

afterAll(async () => {
  await bus?.idle();
  await bus?.stop();
  await api?.stop();
});

describe('an export of 2,000 invoice lines', () => {
  let job: Json;
  const files = new Map<string, Buffer>();

  beforeAll(async () => {
    const requested = await as('admin', { method: 'POST', path: exportsPath(), body: { from: '2026-01-01', to: '2026-05-31' }, headers: { 'idempotency-key': `export-${randomUUID()}` } });
    const { location } = expectStatus(requested, 202, 'request the export').body;
    expect(requested.headers.get('location')).toBe(location);
    job = await finished(location);
    expect(job.error).toBeNull();
    for (const file of job.files) {
      const download = await fetch(file.url);
      expect(download.status).toBe(200);
      files.set(file.kind, Buffer.from(await download.arrayBuffer()));
    }
  }, 120_000);

  /** What each invoice's own GET answers: its G703 totals and G702 summary. */
  async function invoiceFigures(invoiceId: string) {
    const response = expectStatus(await as('admin', { method: 'GET', path: `/v1/projects/${fx.projectId}/invoices/${invoiceId}` }), 200, 'GET the invoice');
    return response.body as { totals: Record<string, number>; summary: Record<string, number> };
  }

  it('reports its rows and totals, and three files', () => {
    expect(job).toMatchObject({
      status: 'succeeded',
      from: '2026-01-01',
      to: '2026-05-31',
      counts: { invoices: 20, lines: 2_000, payments: 4 },
      attempts: 1,
      columns: { lines: lineColumns.map((c) => c.name), payments: paymentColumns.map((c) => c.name) },
    });
    expect(job.files.map((f: Json) => f.kind)).toEqual(['lines_csv', 'payments_csv', 'xlsx']);
    expect(job.totals.paymentsCents).toBe(sumCents(paymentsInRange.map((p) => p.amountCents)));
  });

  it('writes the lines as RFC 4180 CSV (no BOM, CRLF, quoted, formula-safe) that sum back to each invoice’s G702 to the cent', async () => {
    const bytes = files.get('lines_csv')!;
    expect([...bytes.subarray(0, 3)]).not.toEqual([0xef, 0xbb, 0xbf]);
    const [header, ...rows] = parseCsv(bytes.toString('utf8'));
    expect(header).toEqual(lineColumns.map((c) => c.name));
    expect(rows).toHaveLength(2_000);
    const col = (name: string) => header!.indexOf(name);
    const invoiceIds = new Set(rows.map((row) => row[col('invoiceId')]!));
    expect([...invoiceIds].sort()).toEqual([...approved.keys()].sort());
    expect(invoiceIds.has(draftInvoiceId)).toBe(false);

    // The injected formula is defused, the quoted description comes back whole.
    expect(rows[0]![col('description')]).toBe('\'=HYPERLINK("http://evil.example","click")');
    expect(rows[1]![col('description')]).toBe('Cable "Cat6", trays\nand risers');
    expect(rows[0]).toMatchObject({ [col('vendor')]: fx.vendorName, [col('currency')]: expect.stringMatching(/^[A-Z]{3}$/), [col('lineNumber')]: '1' });

    let totals = { thisPeriodWork: 0, completedToDate: 0, retainageHeldToDate: 0, amountDue: 0 };
    for (const invoiceId of invoiceIds) {
      const mine = rows.filter((row) => row[col('invoiceId')] === invoiceId);
      expect(mine).toHaveLength(linesPerInvoice);
      const sum = (name: string) => sumCents(mine.map((row) => centsOf(row[col(name)]!)));
      const { totals: g703, summary: g702 } = await invoiceFigures(invoiceId);
      expect(sum('scheduledValue'), invoiceId).toBe(g703.scheduledValueCents);
      expect(sum('thisPeriodWork'), invoiceId).toBe(g703.workThisPeriodCents);
      expect(sum('completedToDate'), invoiceId).toBe(g702.totalCompletedAndStoredCents);
      expect(sum('retainageHeldToDate'), invoiceId).toBe(g702.totalRetainageCents);
      expect(sum('amountDue'), invoiceId).toBe(g702.currentPaymentDueCents);
      expect(mine[0]![col('approvedAt')]).toMatch(/^2026-0\d-28T03:00:00.000Z$/);
      totals = {
        thisPeriodWork: totals.thisPeriodWork + sum('thisPeriodWork'),
        completedToDate: totals.completedToDate + sum('completedToDate'),
        retainageHeldToDate: totals.retainageHeldToDate + sum('retainageHeldToDate'),
        amountDue: totals.amountDue + sum('amountDue'),
      };
    }
    expect(job.totals).toMatchObject({
      thisPeriodWorkCents: totals.thisPeriodWork,
      completedToDateCents: totals.completedToDate,
      retainageHeldToDateCents: totals.retainageHeldToDate,
      amountDueCents: totals.amountDue,
    });
  });

  it('writes the payments dated in the range', () => {
    const [header, ...rows] = parseCsv(files.get('payments_csv')!.toString('utf8'));
    expect(header).toEqual(paymentColumns.map((c) => c.name));
    expect(rows.map((row) => row[header!.indexOf('paymentNumber')]).sort()).toEqual(paymentsInRange.map((p) => p.paymentNumber).sort());
    expect(rows.every((row) => row[header!.indexOf('invoiceNumber')] === 'INV-1')).toBe(true);
  });

  it('writes a workbook exceljs opens: Lines with numbers in a currency format, Payments, and a G703 sheet per invoice adding up to its G702', async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(files.get('xlsx')! as never);
    const names = workbook.worksheets.map((sheet) => sheet.name);
    expect(names.slice(0, 2)).toEqual(['Lines', 'Payments']);
    expect(names.filter((name) => name.startsWith('G703 '))).toHaveLength(20);

    const lines = workbook.getWorksheet('Lines')!;
    const header = (lines.getRow(1).values as unknown[]).slice(1);
    expect(header).toEqual(lineColumns.map((c) => c.name));
    expect(lines.actualRowCount).toBe(2_001);
    const col = (name: string) => header.indexOf(name) + 1;
    const first = lines.getRow(2);
    expect(typeof first.getCell(col('completedToDate')).value).toBe('number');
    expect(first.getCell(col('completedToDate')).numFmt).toMatch(/^#,##0\.00 "[A-Z]{3}"/);
    expect(first.getCell(col('description')).value).toBe('=HYPERLINK("http://evil.example","click")');

    const byInvoice = new Map<string, number[]>();
    lines.eachRow((row, number) => {
      if (number === 1) return;
      const invoiceId = String(row.getCell(col('invoiceId')).value);
      const due = byInvoice.get(invoiceId) ?? [0, 0];
      byInvoice.set(invoiceId, [due[0]! + Math.round(Number(row.getCell(col('amountDue')).value) * 100), due[1]! + Math.round(Number(row.getCell(col('completedToDate')).value) * 100)]);
    });
    expect(byInvoice.size).toBe(20);
    for (const [invoiceId, [due, completed]] of byInvoice) {
      const { summary } = await invoiceFigures(invoiceId);
      expect(due, invoiceId).toBe(summary.currentPaymentDueCents);
      expect(completed, invoiceId).toBe(summary.totalCompletedAndStoredCents);
    }

    // Each G703 sheet: its line rows sum to its totals row, and its G702 line 8 is the invoice's.
    for (const sheet of workbook.worksheets.filter((s) => s.name.startsWith('G703 '))) {
      const rows: unknown[][] = [];
      sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
      const totalsRow = rows.find((row) => row[1] === 'Totals')!;
      const lineRows = rows.filter((row) => typeof row[0] === 'number');
      expect(lineRows, sheet.name).toHaveLength(linesPerInvoice);
      for (const column of [2, 3, 4, 5, 6, 8, 9]) {
        expect(sumCents(lineRows.map((row) => Math.round(Number(row[column]) * 100))), `${sheet.name} column ${column}`).toBe(Math.round(Number(totalsRow[column]) * 100));
      }
      const invoiceId = /\(([0-9a-f-]{36})\)/.exec(String(rows[1]![0]))![1]!;
      const line8 = rows.find((row) => String(row[1]).startsWith('8.'))!;
      expect(Math.round(Number(line8[2]) * 100)).toBe((await invoiceFigures(invoiceId)).summary.currentPaymentDueCents);
    }

    const payments = workbook.getWorksheet('Payments')!;
    expect(payments.actualRowCount).toBe(1 + paymentsInRange.length);
  });
});

describe('requests', () => {
  it('export one period (its invoices; the payments dated in it), csv only', async () => {
    const period = periods[1]!;
    const requested = await as('admin', { method: 'POST', path: exportsPath(), body: { periodId: period.billingPeriodId, formats: ['csv'] } });
    const job = await finished(expectStatus(requested, 202, 'request').body.location);
    expect(job).toMatchObject({ status: 'succeeded', periodId: period.billingPeriodId, from: period.startDate, to: period.endDate, counts: { invoices: 4, lines: 400, payments: 4 } });
    expect(job.files.map((f: Json) => f.kind)).toEqual(['lines_csv', 'payments_csv']);
  });

  it('answer a retry with the same Idempotency-Key with the same job, and refuse the key for another export', async () => {
    const key = `export-${randomUUID()}`;
    const body = { from: '2026-03-01', to: '2026-03-31', formats: ['xlsx'] };
    const first = expectStatus(await as('admin', { method: 'POST', path: exportsPath(), body, headers: { 'idempotency-key': key } }), 202, 'first');
    const again = expectStatus(await as('admin', { method: 'POST', path: exportsPath(), body, headers: { 'idempotency-key': key } }), 202, 'again');
    expect(again.body.exportId).toBe(first.body.exportId);
    expectProblem(await as('admin', { method: 'POST', path: exportsPath(), body: { ...body, to: '2026-04-30' }, headers: { 'idempotency-key': key } }), 422, 'idempotency-key-reused');
    await finished(first.body.location);
  });

  it.each([
    [{}, ['body.periodId']],
    [{ from: '2026-01-01' }, ['body.to']],
    [{ from: '2026-02-30', to: '2026-03-31' }, ['body.from']],
    [{ from: '2026-03-01', to: '2026-02-28' }, ['body.to']],
    [{ from: '1 March', to: '2026-03-31' }, ['body.from']],
    [{ periodId: 'p', from: '2026-03-01', to: '2026-03-31' }, ['body.from']],
    [{ periodId: 'no-such-period' }, ['body.periodId']],
    [{ from: '2026-03-01', to: '2026-03-31', formats: ['pdf'] }, ['body.formats.0']],
    [{ from: '2026-03-01', to: '2026-03-31', formats: [] }, ['body.formats']],
    [{ from: '2026-03-01', to: '2026-03-31', sheets: 1 }, ['body']],
  ])('refuse %j with a 400 naming the field', async (body, fields) => {
    const problem = expectProblem(await as('admin', { method: 'POST', path: exportsPath(), body }), 400, 'validation');
    expect(fieldsOf(problem).map((field) => `body.${field}`.replace(/\.$/, ''))).toEqual(fields);
  });

  it('are the commitments admin’s: other members are refused, outsiders do not see the project', async () => {
    const body = { from: '2026-01-01', to: '2026-01-31' };
    for (const profile of ['standard', 'read_only', 'standard+contact', 'standard+private_list'] as const) {
      expectRefusal(await as(profile, { method: 'POST', path: exportsPath(), body }), 403, /export approved invoices/);
      expectRefusal(await as(profile, { method: 'GET', path: exportsPath() }), 403, /export approved invoices/);
    }
    for (const profile of ['not_a_member', 'other_company_admin'] as const) {
      expectRefusal(await as(profile, { method: 'POST', path: exportsPath(), body }), 404);
    }
    for (let n = 0; n < 2; n++) expectStatus(await as('admin', { method: 'POST', path: exportsPath(), body: { from: '2025-01-01', to: '2025-01-31' } }), 202, 'an empty export');
    const list = expectStatus(await as('admin', { method: 'GET', path: `${exportsPath()}?limit=2` }), 200, 'list').body;
    expect(list.items).toHaveLength(2);
    expect(list.items[0].createdAt >= list.items[1].createdAt).toBe(true);
    expect(list.nextCursor).toEqual(expect.any(String));
  });
});

describe('a job that cannot finish ends failed', () => {
  async function queuedJob(overrides: Record<string, unknown> = {}) {
    const now = new Date().toISOString();
    const exportId = randomUUID();
    await db()
      .AccountingExport.create({
        projectId: fx.projectId,
        exportId,
        status: 'queued',
        from: '2026-01-01',
        to: '2026-01-31',
        formats: ['csv', 'xlsx'],
        requestedBy: fx.users.admin.userId,
        attempts: 0,
        createdAt: now,
        updatedAt: now,
        version: 1,
        ...overrides,
      })
      .go();
    return { exportId, location: `${exportsPath()}/${exportId}`, event: deliveredEvent('accounting-export.requested', { projectId: fx.projectId, exportId }) };
  }

  it('at once when its period is gone', async () => {
    const job = await queuedJob({ periodId: 'deleted-period' });
    await exportWorker(job.event);
    const answer = expectStatus(await as('admin', { method: 'GET', path: job.location }), 200, 'GET').body;
    expect(answer).toMatchObject({ status: 'failed', error: 'The billing period deleted-period no longer exists', files: [] });
    // A late duplicate delivery changes nothing.
    await expect(exportWorker(job.event)).resolves.toEqual({ status: 'skipped' });
  });

  it('after its last attempt when the bucket refuses the files (each earlier attempt hands the job back to be retried)', async () => {
    const job = await queuedJob();
    const bucket = process.env.BUCKET_NAME;
    process.env.BUCKET_NAME = `missing-bucket-${randomUUID().slice(0, 8)}`;
    try {
      await expect(exportWorker(job.event)).rejects.toThrow();
      await expect(exportWorker(job.event)).rejects.toThrow();
      await expect(exportWorker(job.event)).resolves.toEqual({ status: 'failed' });
    } finally {
      process.env.BUCKET_NAME = bucket;
    }
    const answer = expectStatus(await as('admin', { method: 'GET', path: job.location }), 200, 'GET').body;
    expect(answer).toMatchObject({ status: 'failed', attempts: 3, error: expect.stringMatching(/failed 3 times/) });
  });

  it('when its function died silently: the API fails it once its lease is long past', async () => {
    const long = new Date(Date.now() - 60 * 60 * 1000).toISOString();
    const job = await queuedJob({ status: 'running', attempts: 1, leaseUntil: long, createdAt: long });
    const answer = expectStatus(await as('admin', { method: 'GET', path: job.location }), 200, 'GET').body;
    expect(answer).toMatchObject({ status: 'failed', error: expect.stringMatching(/stopped before it finished/) });
  });
});
