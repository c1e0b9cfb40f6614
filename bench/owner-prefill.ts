import { randomUUID } from 'node:crypto';
import { QueryCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ensureTable, startLocalAws } from '../infra/local/aws-services';
import { dynamoDocumentClient } from '../shared/aws/dynamo';
import { db } from '../shared/db/service';
import { addDays, localDate } from '../shared/domain/billing-periods';
import type { InvoiceFigures, StoredSovLine } from '../shared/domain/invoice-figures';
import { expectStatus } from '../test/support/api-client';
import { createBillingPeriod, createHeadContract, startFixtureApi } from '../test/support/permission-fixtures';
import { ms, recordRatio, table } from './stats';

/**
 * Creating an owner invoice pre-filled from the period's 200 subcontractor invoices (POST with
 * `prefill: true`, through the local API Gateway), against a direct-request reference: the period's
 * invoices read with the SDK's Query on the period index and one PutItem of the owner invoice. Then the
 * same after 10 earlier periods of 200 invoices and 10 approved change orders each: the DynamoDB
 * requests must not grow with history (the reads are bounded by the period).
 */
const invoicesPerPeriod = 200;
const earlierPeriods = 10;
/** Untimed runs first: the handler's first requests warm the server and the JIT. */
const warmup = 4;

export async function ownerPrefill(): Promise<void> {
  const runs = Number(process.env.BENCH_RUNS ?? 10);
  const aws = await startLocalAws();
  const table_ = 'bench-owner-prefill';
  Object.assign(process.env, aws.env, { TABLE_NAME: table_, POWERTOOLS_LOG_LEVEL: 'SILENT' });
  await ensureTable(table_, aws.env.AWS_ENDPOINT_URL_DYNAMODB!);
  let requests = 0;
  dynamoDocumentClient().middlewareStack.add((next) => (args) => ((requests += 1), next(args)), { step: 'initialize', name: 'countRequests' });

  const { api, fx, call } = await startFixtureApi();
  const admin = fx.users.admin.token;
  try {
    const today = localDate(new Date(), 'Australia/Sydney');
    const period = await createBillingPeriod(call, fx, { startDate: addDays(today, -5), endDate: addDays(today, 25), dueDate: addDays(today, 20) });
    const commitmentIds = Array.from({ length: invoicesPerPeriod }, () => randomUUID());
    await writeCommitments(fx.projectId, commitmentIds);
    await writeInvoices(fx.projectId, period.billingPeriodId, commitmentIds, 2);

    const measure = async (label: string) => {
      const created: number[] = [];
      const reference: number[] = [];
      let perCreate = 0;
      for (let run = 0; run < runs + warmup; run++) {
        // A fresh head contract each run: one progress invoice per head contract per period.
        const contract = await createHeadContract(call, fx);
        const before = requests;
        let started = performance.now();
        const response = await call(admin, { method: 'POST', path: `${contract.path}/owner-invoices`, body: { prefill: true } });
        const took = performance.now() - started;
        const made = expectStatus(response, 201, 'pre-filled owner invoice').body;
        perCreate = requests - before;
        if (made.prefill.includedInvoices.length !== invoicesPerPeriod) throw new Error(`included ${made.prefill.includedInvoices.length} invoices`);

        started = performance.now();
        await directReference(fx.projectId, period.billingPeriodId, made);
        const tookReference = performance.now() - started;
        if (run >= warmup) {
          created.push(took);
          reference.push(tookReference);
        }
      }
      return { label, perCreate, created: median(created), reference: median(reference) };
    };

    const fresh = await measure('1 period');
    const changeOrders = await writeHistory(fx.projectId, commitmentIds);
    const withHistory = await measure(`+ ${earlierPeriods} earlier periods (${earlierPeriods * invoicesPerPeriod} invoices, ${changeOrders} change orders)`);
    table(
      [fresh, withHistory].map((row) => ({
        history: row.label,
        'DynamoDB requests per create': row.perCreate,
        'p50 create (HTTP)': ms(row.created),
        'p50 direct reference': ms(row.reference),
        'create / reference': `${(row.created / row.reference).toFixed(2)}×`,
      })),
    );
    recordRatio('owner-prefill', `DynamoDB requests per pre-filled create: ${earlierPeriods}× history / none`, withHistory.perCreate / fresh.perCreate, '1.00×');
    recordRatio('owner-prefill', 'p50 pre-filled create (200 sub invoices) / direct Query + PutItem', fresh.created / fresh.reference);
    recordRatio('owner-prefill', `p50 pre-filled create: ${earlierPeriods}× history / none`, withHistory.created / fresh.created, '≈1×');
  } finally {
    await api.stop();
    await aws.stop();
  }
}

const median = (samples: number[]) => [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)]!;

/** The reference: the period's invoices by the period index (every page) and the owner invoice written with one PutItem. */
async function directReference(projectId: string, billingPeriodId: string, ownerInvoice: { ownerInvoiceId: string }) {
  const client = dynamoDocumentClient();
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  const items: unknown[] = [];
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: process.env.TABLE_NAME,
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :pk AND begins_with(gsi2sk, :sk)',
        ExpressionAttributeValues: { ':pk': `$claims#projectid_${projectId}#billingperiodid_${billingPeriodId}`, ':sk': '$invoice_1#' },
        ExclusiveStartKey,
      }),
    );
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  if (items.length !== invoicesPerPeriod) throw new Error(`the reference read ${items.length} invoices`);
  await client.send(new PutCommand({ TableName: process.env.TABLE_NAME, Item: { pk: `bench#${ownerInvoice.ownerInvoiceId}`, sk: 'reference', items: items.length, lines: items.slice(0, 2) } }));
}

/** Subcontracts with the SOV's two cost codes, written directly (the HTTP path is not what is measured). */
async function writeCommitments(projectId: string, commitmentIds: string[]) {
  const at = new Date().toISOString();
  await db()
    .Commitment.put(
      commitmentIds.map((commitmentId, index) => ({
        projectId,
        commitmentId,
        type: 'subcontract' as const,
        number: `SC-B${String(index + 1).padStart(3, '0')}`,
        title: 'Bench electrical',
        vendorId: 'bench-vendor',
        vendorName: 'Bench Electrical',
        status: 'approved' as const,
        accountingMethod: 'amount' as const,
        retainage: { workPercent: '10', workEnabled: true, materialsPercent: '0', materialsEnabled: false },
        private: false,
        privateUserIds: [],
        invoiceContactIds: [],
        ssovEnabled: false,
        paymentsIssuedEnabled: false,
        lineCount: 2,
        originalContractSumCents: 20_000_000,
        approvedChangeOrdersCents: 0,
        searchText: `sc-b${index + 1}`,
        version: 1,
        createdBy: 'bench',
        createdAt: at,
        updatedAt: at,
      })),
    )
    .go({ concurrency: 4 });
}

/** One approved invoice per commitment in the period, at `position`, billing both cost codes. */
async function writeInvoices(projectId: string, billingPeriodId: string, commitmentIds: string[], position: number) {
  const at = new Date().toISOString();
  const sovLines: StoredSovLine[] = [
    { lineId: 'l1', description: 'Switchboards', costCode: '16-100', scheduledValueCents: 12_500_000 },
    { lineId: 'l2', description: 'Cabling', costCode: '16-200', scheduledValueCents: 8_340_050 },
  ];
  const figures = { lines: [
    { lineId: 'l1', workThisPeriodCents: 1_001, materialsStoredCents: 7 },
    { lineId: 'l2', workThisPeriodCents: 2_003, materialsStoredCents: 0 },
  ], totals: {}, summary: {} } as unknown as InvoiceFigures;
  await db()
    .Invoice.put(
      commitmentIds.map((commitmentId) => ({
        projectId,
        invoiceId: randomUUID(),
        commitmentId,
        billingPeriodId,
        number: String(position),
        position,
        kind: 'progress' as const,
        status: 'approved' as const,
        paymentStatus: 'unpaid' as const,
        paidCents: 0,
        entries: [],
        figures,
        sovLines,
        contract: { originalContractSumCents: 20_840_050, approvedChangeOrdersCents: 0, retainage: { workPercent: '10', workEnabled: true, materialsPercent: '0', materialsEnabled: false } },
        createdBy: 'bench',
        createdAt: at,
        updatedAt: at,
        version: 1,
      })),
    )
    .go({ concurrency: 4 });
}

/** Earlier periods' invoices (positions 1 back) and change orders approved long before this period. */
async function writeHistory(projectId: string, commitmentIds: string[]): Promise<number> {
  for (let earlier = 0; earlier < earlierPeriods; earlier++) await writeInvoices(projectId, randomUUID(), commitmentIds, 1);
  const changeOrders = commitmentIds.slice(0, earlierPeriods * 10).map((commitmentId, index) => {
    const approvedAt = new Date(Date.now() - (60 + index) * 86_400_000).toISOString();
    return {
      projectId,
      commitmentId,
      changeOrderId: randomUUID(),
      number: `CO-${index + 1}`,
      title: 'Earlier variation',
      status: 'approved' as const,
      lines: [],
      totalCents: 10_000,
      approvedAt,
      approvalPartition: projectId,
      version: 2,
      createdBy: 'bench',
      createdAt: approvedAt,
      updatedAt: approvedAt,
    };
  });
  await db().ChangeOrder.put(changeOrders).go({ concurrency: 4 });
  return changeOrders.length;
}
