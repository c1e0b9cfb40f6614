import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { ensureTable, startLocalAws } from '../infra/local/aws-services';
import { openLocalIdp } from '../infra/local/auth';
import { startHttpServer } from '../infra/local/http-server';
import { startLocalEventBus } from '../infra/local/event-bus';
import { freePort } from '../infra/local/ports';
import { dynamoDocumentClient } from '../shared/aws/dynamo';
import { db } from '../shared/db/service';
import { normalizeInvoiceNumber, positionKey, previousFrom, type InvoiceItem, type StoredSovLine } from '../shared/db/invoices';
import { computeInvoice, type InvoiceContract, type LineEntry } from '../shared/domain/invoice-figures';
import { addDays, localDate } from '../shared/domain/billing-periods';
import { defaultProjectSettings } from '../shared/domain/project-settings';
import { ms, recordRatio, table, type Timing } from './stats';

/**
 * The invoice routes of issue 5 through the local API Gateway against DynamoDB Local (in memory):
 * GET an invoice with its lines, PATCH 50 line entries of a draft (as the invoice contact), POST
 * …/status under_review (the contact submits; an admin sets it back to draft between runs,
 * outside the timing), and GET a period's invoices (100 commitments, each with an invoice in it).
 *
 * The same operations run in two projects of the same table, interleaved run by run: a baseline
 * (100 commitments × 2 invoices: a closed period and the open one) and one with 10× the invoices
 * (100 commitments × 20 invoices: 19 closed periods and the open one). DynamoDB requests are
 * counted on every call; no count may differ between the two. Reference in the same run: the
 * DynamoDB requests the GET makes, sent directly.
 */
export async function invoices(): Promise<void> {
  const runs = Number(process.env.BENCH_RUNS ?? 200);
  const warmup = Number(process.env.BENCH_WARMUP ?? 20);
  const commitmentCount = Number(process.env.BENCH_COMMITMENTS ?? 100);
  /** SOV lines of the other commitments' invoices (the measured invoice has 50). */
  const otherLines = Number(process.env.BENCH_LINES ?? 10);
  const mainLines = 50;
  const tableName = 'bench-invoices';

  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-invoices-'));
  const aws = await startLocalAws();
  // Submitting publishes `email.requested`: the bus accepts it and delivers it nowhere (no rules).
  const bus = await startLocalEventBus({ log: () => undefined, rules: [] });
  Object.assign(process.env, aws.env, {
    TABLE_NAME: tableName,
    BUCKET_NAME: tableName,
    EVENT_BUS_NAME: bus.busName,
    AWS_ENDPOINT_URL_EVENTBRIDGE: bus.endpoint,
    EMAIL_FROM: 'billing@progress-claims.bench',
    FRONTEND_BASE_URL: 'https://app.progress-claims.bench',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
  await ensureTable(tableName, aws.env.AWS_ENDPOINT_URL_DYNAMODB!);

  const dynamo: Record<string, number> = {};
  let dynamoRequests = 0;
  dynamoDocumentClient().middlewareStack.add(
    (next, context) => (args) => {
      const operation = (context.commandName ?? '?').replace(/Command$/, '');
      dynamo[operation] = (dynamo[operation] ?? 0) + 1;
      dynamoRequests += 1;
      return next(args);
    },
    { step: 'initialize', name: 'countRequests' },
  );
  const snapshot = () => ({ ...dynamo });
  const byOperationSince = (before: Record<string, number>) => {
    const counts: Record<string, number> = {};
    for (const [operation, n] of Object.entries(dynamo)) if (n > (before[operation] ?? 0)) counts[operation] = n - (before[operation] ?? 0);
    return counts;
  };

  // Seed: users shared by both projects, then the two projects.
  const seedStarted = performance.now();
  const people = await seedPeople();
  const baseline = await seedProject({ label: 'baseline', depth: 2, commitmentCount, mainLines, otherLines, people });
  const tenfold = await seedProject({ label: '10×', depth: 20, commitmentCount, mainLines, otherLines, people });
  console.log(
    `seeded in ${ms(performance.now() - seedStarted)}: per project ${commitmentCount} commitments (1 × ${mainLines} SOV lines, ` +
      `${commitmentCount - 1} × ${otherLines}); invoices: baseline ${baseline.invoiceCount}, 10× ${tenfold.invoiceCount} ` +
      `(${tenfold.invoiceCount - baseline.invoiceCount} more, in other periods)`,
  );

  const idp = await openLocalIdp(dataDir);
  const api = await startHttpServer({ port: await freePort(), host: '127.0.0.1', idp, log: () => undefined });
  const bearer = async (user: Person) => `Bearer ${await idp.signToken({ sub: user.userId, email: user.email, name: user.name })}`;
  const admin = await bearer(people.admin);
  const contact = await bearer(people.contact);

  const send = async (what: string, expected: number, url: string, init: RequestInit & { headers: Record<string, string> }) => {
    const response = await fetch(`${api.url}${url}`, init);
    const text = await response.text();
    if (response.status !== expected) throw new Error(`${what} answered ${response.status}, not ${expected}: ${text.slice(0, 500)}`);
    return { etag: response.headers.get('etag'), text };
  };
  const json = (authorization: string, method: string, body: unknown, extra: Record<string, string> = {}) => ({
    method,
    headers: { authorization, 'content-type': 'application/json', ...extra },
    body: JSON.stringify(body),
  });

  /** The measured operations of one project, on its main commitment's invoice of the open period (created through the API). */
  async function operationsOf(project: SeededProject) {
    const created = await send('POST …/invoices', 201, `/v1/projects/${project.projectId}/commitments/${project.mainCommitmentId}/invoices`, json(admin, 'POST', {}));
    const invoice = JSON.parse(created.text) as { invoiceId: string; position: number; lines: Array<{ lineId: string; scheduledValueCents: number }> };
    if (invoice.lines.length !== mainLines) throw new Error(`the invoice has ${invoice.lines.length} lines, not ${mainLines}`);
    let etag = created.etag!;
    let round = 0;
    const invoiceUrl = `/v1/projects/${project.projectId}/invoices/${invoice.invoiceId}`;
    const listUrl = `/v1/projects/${project.projectId}/invoices?billingPeriodId=${project.openPeriodId}&limit=100`;
    // The whole period, page by page: what a client needs to list it (the measured call is the first page).
    const pages: Array<{ items: number; requests: number }> = [];
    for (let cursor: string | null = null; pages.length === 0 || cursor; ) {
      const before = dynamoRequests;
      const page = JSON.parse((await send('GET …/invoices', 200, cursor ? `${listUrl}&cursor=${encodeURIComponent(cursor)}` : listUrl, { headers: { authorization: admin } })).text) as {
        items: unknown[];
        nextCursor: string | null;
      };
      pages.push({ items: page.items.length, requests: dynamoRequests - before });
      cursor = page.nextCursor;
    }
    const listedCount = pages.reduce((sum, page) => sum + page.items, 0);
    if (listedCount !== commitmentCount) throw new Error(`the period lists ${listedCount} invoices, not ${commitmentCount}`);
    // With exactly `limit` items DynamoDB still answers a LastEvaluatedKey: the end shows as one more, empty page.
    console.log(
      `${project.label}: listing the period (limit=100) takes ${pages.length} page(s): items ${pages.map((p) => p.items).join(' + ')}, ` +
        `DynamoDB requests ${pages.map((p) => p.requests).join(' + ')}`,
    );
    return {
      position: invoice.position,
      pages: pages.map((page) => page.items),
      get: { run: () => send('GET invoice', 200, invoiceUrl, { headers: { authorization: admin } }) },
      patch: {
        run: async () => {
          // Every line changes each time: 1 % then 2 % of its scheduled value this period.
          round += 1;
          const lines = invoice.lines.map((line) => ({ lineId: line.lineId, workThisPeriodCents: Math.round((line.scheduledValueCents * (1 + (round % 2))) / 100) }));
          etag = (await send('PATCH invoice', 200, invoiceUrl, json(contact, 'PATCH', { lines }, { 'if-match': etag }))).etag!;
        },
      },
      submit: {
        run: async () => {
          etag = (await send('POST …/status under_review', 200, `${invoiceUrl}/status`, json(contact, 'POST', { status: 'under_review' }, { 'if-match': etag }))).etag!;
        },
        // Not timed: the admin sets it back to draft for the next run.
        reset: async () => {
          etag = (await send('POST …/status draft', 200, `${invoiceUrl}/status`, json(admin, 'POST', { status: 'draft' }, { 'if-match': etag }))).etag!;
        },
      },
      list: { run: () => send('GET …/invoices?billingPeriodId', 200, listUrl, { headers: { authorization: admin } }) },
      invoiceId: invoice.invoiceId,
    };
  }
  const small = await operationsOf(baseline);
  const large = await operationsOf(tenfold);
  if (small.pages.join() !== large.pages.join()) throw new Error(`the two projects page their period differently: ${small.pages.join('+')} vs ${large.pages.join('+')}`);
  const listLabel = `GET period’s invoices (${small.pages[0]} of ${commitmentCount})`;

  // The reference: the DynamoDB requests GET …/invoices/{invoiceId} makes, sent directly with the same keys.
  const documents = dynamoDocumentClient();
  const { Project, Member, Invoice, Commitment } = db();
  const directGet = async () => {
    const [, , { Item: item }] = await Promise.all([
      documents.send(new GetCommand(Project.get({ projectId: baseline.projectId }).params() as never)),
      documents.send(new GetCommand(Member.get({ projectId: baseline.projectId, userId: people.admin.userId }).params() as never)),
      documents.send(new GetCommand(Invoice.get({ projectId: baseline.projectId, invoiceId: small.invoiceId }).params() as never)),
    ]);
    await documents.send(new GetCommand(Commitment.get({ projectId: baseline.projectId, commitmentId: String(item!.commitmentId) }).params() as never));
  };

  const tasks: Record<string, Task> = {
    'reference: GET’s DynamoDB requests, direct': { run: directGet },
    'GET invoice (50 lines) · baseline': small.get,
    'GET invoice (50 lines) · 10×': large.get,
    'PATCH 50 lines (contact) · baseline': small.patch,
    'PATCH 50 lines (contact) · 10×': large.patch,
    'POST status under_review (contact) · baseline': small.submit,
    'POST status under_review (contact) · 10×': large.submit,
    [`${listLabel} · baseline`]: small.list,
    [`${listLabel} · 10×`]: large.list,
  };
  const measureStarted = performance.now();
  const results = await measure(runs, warmup, tasks, () => dynamoRequests, snapshot, byOperationSince);
  const measureMs = performance.now() - measureStarted;

  table(
    Object.entries(results).map(([what, r]) => ({
      what,
      p50: ms(r.timing.p50),
      p99: ms(r.timing.p99),
      mean: ms(r.timing.mean),
      runs: r.timing.runs,
      dynamoRequests: r.requests.min === r.requests.max ? r.requests.min : `${r.requests.min}–${r.requests.max}`,
    })),
  );
  for (const [what, r] of Object.entries(results)) console.log(`  ${what}: ${JSON.stringify(r.requests.byOperation)}`);
  const reset = results['POST status under_review (contact) · baseline']!.resetRequests;
  console.log(`(not timed) the admin's POST status draft between submits: ${reset.min === reset.max ? reset.min : `${reset.min}–${reset.max}`} DynamoDB requests`);

  console.log(`\nbaseline: ${baseline.invoiceCount} invoices in the project (main invoice position ${small.position}); 10×: ${tenfold.invoiceCount} (position ${large.position})`);
  const pairs: Array<[string, string]> = [
    ['get invoice with lines', 'GET invoice (50 lines)'],
    ['save a 50-line draft', 'PATCH 50 lines (contact)'],
    ['submit', 'POST status under_review (contact)'],
    [`list a period’s invoices (${commitmentCount}; first page)`, listLabel],
  ];
  const grew: string[] = [];
  table(
    pairs.map(([what, key]) => {
      const a = results[`${key} · baseline`]!;
      const b = results[`${key} · 10×`]!;
      const same = a.requests.min === a.requests.max && b.requests.min === b.requests.max && a.requests.max === b.requests.max;
      if (!same) grew.push(what);
      recordRatio('invoices', `${what}: DynamoDB requests 10× / baseline`, b.requests.max / a.requests.max, '1.00×');
      recordRatio('invoices', `${what}: p50 10× / baseline`, b.timing.p50 / a.timing.p50);
      return {
        what,
        'requests baseline': a.requests.max,
        'requests 10×': b.requests.max,
        'requests ratio': (b.requests.max / a.requests.max).toFixed(2),
        'p50 baseline': ms(a.timing.p50),
        'p50 10×': ms(b.timing.p50),
        'p50 ratio': (b.timing.p50 / a.timing.p50).toFixed(2),
        'p99 baseline': ms(a.timing.p99),
        'p99 10×': ms(b.timing.p99),
      };
    }),
  );
  console.log(
    grew.length === 0
      ? `request counts with 10× the invoices: unchanged for every operation (constant on every run)`
      : `request counts DIFFER between the projects (or between runs) for: ${grew.join(', ')}`,
  );
  const reference = results['reference: GET’s DynamoDB requests, direct']!;
  recordRatio('invoices', 'GET invoice p50 / its DynamoDB requests sent directly p50', results['GET invoice (50 lines) · baseline']!.timing.p50 / reference.timing.p50);
  console.log(
    `GET invoice p50 / its DynamoDB requests sent directly p50: ${(results['GET invoice (50 lines) · baseline']!.timing.p50 / reference.timing.p50).toFixed(2)}× ` +
      `(HTTP stack, auth, response building ≈ ${ms(results['GET invoice (50 lines) · baseline']!.timing.p50 - reference.timing.p50)})`,
  );
  console.log(`measured ${warmup} warm-up + ${runs} interleaved runs of ${Object.keys(tasks).length} tasks in ${ms(measureMs)}`);

  await api.stop();
  await bus.stop();
  await aws.stop();
  await fs.rm(dataDir, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------------------------
// Measuring: interleaved like stats.compare, but only `run` is timed and counted (a task's
// `reset` puts things back for the next run, outside the figures).

interface Task {
  run: () => Promise<unknown>;
  reset?: () => Promise<unknown>;
}

interface Requests {
  min: number;
  max: number;
  byOperation: Record<string, number>;
}

async function measure(
  runs: number,
  warmup: number,
  tasks: Record<string, Task>,
  requests: () => number,
  snapshot: () => Record<string, number>,
  byOperationSince: (before: Record<string, number>) => Record<string, number>,
): Promise<Record<string, { timing: Timing; requests: Requests; resetRequests: { min: number; max: number } }>> {
  const names = Object.keys(tasks);
  const samples = new Map(names.map((name) => [name, [] as number[]]));
  const counts = new Map(names.map((name) => [name, [] as number[]]));
  const resetCounts = new Map(names.map((name) => [name, [] as number[]]));
  const byOperation = new Map<string, Record<string, number>>();
  for (let i = 0; i < warmup + runs; i++) {
    for (const name of names) {
      const task = tasks[name]!;
      const before = requests();
      const operations = i === warmup ? snapshot() : undefined;
      const started = performance.now();
      await task.run();
      const elapsed = performance.now() - started;
      if (operations) byOperation.set(name, byOperationSince(operations));
      if (i >= warmup) {
        samples.get(name)!.push(elapsed);
        counts.get(name)!.push(requests() - before);
      }
      if (task.reset) {
        const beforeReset = requests();
        await task.reset();
        resetCounts.get(name)!.push(requests() - beforeReset);
      }
    }
  }
  return Object.fromEntries(
    names.map((name) => {
      const n = counts.get(name)!;
      const r = resetCounts.get(name)!;
      return [
        name,
        {
          timing: summarize(samples.get(name)!),
          requests: { min: Math.min(...n), max: Math.max(...n), byOperation: byOperation.get(name) ?? {} },
          resetRequests: { min: r.length ? Math.min(...r) : 0, max: r.length ? Math.max(...r) : 0 },
        },
      ];
    }),
  );
}

function summarize(samples: number[]): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { p50: at(0.5), p99: at(0.99), mean: sorted.reduce((a, b) => a + b, 0) / sorted.length, runs: sorted.length };
}

// ---------------------------------------------------------------------------------------------
// Seeding (with the entities; invoices' figures by computeInvoice, chained position by position)

interface Person {
  userId: string;
  email: string;
  name: string;
}

interface People {
  companyId: string;
  vendorId: string;
  vendorName: string;
  admin: Person;
  contact: Person;
}

interface SeededProject {
  label: string;
  projectId: string;
  openPeriodId: string;
  mainCommitmentId: string;
  invoiceCount: number;
}

async function seedPeople(): Promise<People> {
  const { Company, User } = db();
  const createdAt = new Date().toISOString();
  const people: People = {
    companyId: 'bench-gc',
    vendorId: 'bench-vendor',
    vendorName: 'Harbour Electrical',
    admin: { userId: 'bench-admin', email: 'admin@gc.bench', name: 'Priya Patel' },
    contact: { userId: 'bench-contact', email: 'contact@vendor.bench', name: 'Sam Contact' },
  };
  await Company.create({ companyId: people.companyId, name: 'Northbeam Constructions', kind: 'general_contractor', createdAt }).go();
  await Company.create({ companyId: people.vendorId, name: people.vendorName, kind: 'vendor', ownerCompanyId: people.companyId, createdAt }).go();
  await User.create({ ...people.admin, companyId: people.companyId, companyRole: 'admin', createdAt }).go();
  await User.create({ ...people.contact, companyId: people.vendorId, companyRole: 'member', createdAt }).go();
  return people;
}

/** Puts items 25 at a time, a few batches at once; a batch with unprocessed items is put again (puts are idempotent). */
async function putAll<T>(items: T[], put: (batch: T[]) => Promise<{ unprocessed: unknown[] }>): Promise<void> {
  const batches: T[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < batches.length) {
        const batch = batches[next++]!;
        for (let attempt = 0; (await put(batch)).unprocessed.length > 0; attempt++) {
          if (attempt === 5) throw new Error('BatchWrite kept leaving items unprocessed');
        }
      }
    }),
  );
}

/**
 * A project in Sydney with `depth` billing periods (all closed but the last, which is open) and
 * `commitmentCount` commitments. Every commitment has an invoice in every closed period (approved,
 * positions 1 … depth − 1); all but the main one also have a draft in the open period, whose
 * invoice the bench creates through the API. The main commitment has `mainLines` SOV lines.
 */
async function seedProject(input: { label: string; depth: number; commitmentCount: number; mainLines: number; otherLines: number; people: People }): Promise<SeededProject> {
  const { Project, Member, ProjectVendor, Commitment, Sov, BillingPeriod, Invoice, InvoiceNumber } = db();
  const { people, depth } = input;
  const at = new Date().toISOString();
  const projectId = `bench-${input.label === 'baseline' ? 'baseline' : 'tenfold'}-${randomUUID().slice(0, 8)}`;
  const today = localDate(new Date(), 'Australia/Sydney');

  // Periods of 30 days, the open one around today; the earlier ones before it.
  const periods = Array.from({ length: depth }, (_, i) => {
    const startDate = addDays(today, -5 - 30 * (depth - 1 - i));
    const open = i === depth - 1;
    return {
      projectId,
      billingPeriodId: randomUUID(),
      position: i + 1,
      startDate,
      endDate: addDays(startDate, 29),
      dueDate: addDays(startDate, 25),
      status: open ? ('open' as const) : ('closed' as const),
      source: 'manual' as const,
      invoiceCount: open ? input.commitmentCount - 1 : input.commitmentCount,
      ...(open ? {} : { closedAt: at }),
      version: 1,
      createdBy: people.admin.userId,
      createdAt: at,
      updatedAt: at,
    };
  });
  const openPeriod = periods.at(-1)!;

  await Project.create({
    ...defaultProjectSettings('en-AU'),
    projectId,
    companyId: people.companyId,
    name: `Harbour Tower (${input.label})`,
    number: `HT-${input.label}`,
    timeZone: 'Australia/Sydney',
    openBillingPeriodId: openPeriod.billingPeriodId,
    periodsVersion: depth,
    createdBy: people.admin.userId,
    createdAt: at,
  }).go();
  await Member.create({ projectId, userId: people.admin.userId, commitments: 'admin', headContracts: 'admin', createdAt: at }).go();
  await Member.create({ projectId, userId: people.contact.userId, commitments: 'read_only', headContracts: 'none', createdAt: at }).go();
  await ProjectVendor.create({ projectId, vendorId: people.vendorId, name: people.vendorName, createdAt: at }).go();
  await putAll(periods, (batch) => BillingPeriod.put(batch).go());

  const retainage = { workPercent: '10', workEnabled: true, materialsPercent: '0', materialsEnabled: false };
  const commitments = Array.from({ length: input.commitmentCount }, (_, c) => {
    const lineCount = c === 0 ? input.mainLines : input.otherLines;
    const sovLines: StoredSovLine[] = Array.from({ length: lineCount }, (_, l) => ({
      lineId: randomUUID(),
      costCode: `${String(10 + (l % 80)).padStart(2, '0')}-${String(100 + l).padStart(3, '0')}`,
      description: `Line ${l + 1}: supply and install package ${l + 1}`,
      scheduledValueCents: 1_000_000 + 12_345 * l,
    }));
    const total = sovLines.reduce((sum, line) => sum + line.scheduledValueCents, 0);
    const number = `SC-${String(c + 1).padStart(4, '0')}`;
    return {
      sovLines,
      item: {
        projectId,
        commitmentId: randomUUID(),
        type: 'subcontract' as const,
        number,
        title: `Trade package ${c + 1}`,
        vendorId: people.vendorId,
        vendorName: people.vendorName,
        status: 'approved' as const,
        accountingMethod: 'amount' as const,
        retainage,
        private: false,
        privateUserIds: [people.contact.userId],
        invoiceContactIds: [people.contact.userId],
        ssovEnabled: false,
        paymentsIssuedEnabled: false,
        lineCount,
        originalContractSumCents: total,
        approvedChangeOrdersCents: 0,
        searchText: `${number} trade package ${c + 1} ${people.vendorName.toLowerCase()}`,
        version: 1,
        createdBy: people.admin.userId,
        createdAt: at,
        updatedAt: at,
      },
    };
  });
  await putAll(
    commitments.map((c) => c.item),
    (batch) => Commitment.put(batch).go(),
  );
  // The SOV is read when an invoice is created: only the main commitment's is needed.
  const main = commitments[0]!;
  await Sov.create({ projectId, commitmentId: main.item.commitmentId, lines: main.sovLines, version: 1, updatedAt: at }).go();

  // Invoices, chained per commitment: each period bills 3 % of every line (the open one 2 %).
  const invoiceItems: InvoiceItem[] = [];
  for (const [c, commitment] of commitments.entries()) {
    const contract: InvoiceContract = { originalContractSumCents: commitment.item.originalContractSumCents, approvedChangeOrdersCents: 0, retainage: { ...retainage } };
    let previous: InvoiceItem | undefined;
    for (const period of periods) {
      const open = period.status === 'open';
      if (open && c === 0) break;
      const entries: LineEntry[] = commitment.sovLines.map((line) => ({ lineId: line.lineId, workThisPeriodCents: Math.round((line.scheduledValueCents * (open ? 2 : 3)) / 100) }));
      const figures = computeInvoice({ sovLines: commitment.sovLines, contract, ...(previous && { previous: previousFrom(previous) }), entries, overbillingAllowed: false });
      const item: InvoiceItem = {
        projectId,
        invoiceId: randomUUID(),
        commitmentId: commitment.item.commitmentId,
        billingPeriodId: period.billingPeriodId,
        number: String(period.position),
        position: period.position,
        kind: 'progress',
        status: open ? 'draft' : 'approved',
        paymentStatus: 'unpaid',
        paidCents: 0,
        entries,
        figures,
        sovLines: commitment.sovLines,
        contract,
        createdBy: people.admin.userId,
        createdAt: at,
        ...(open ? {} : { submittedAt: at }),
        updatedAt: at,
        version: open ? 2 : 4,
      };
      invoiceItems.push(item);
      previous = item;
    }
  }
  await putAll(invoiceItems, (batch) => Invoice.put(batch).go());
  await putAll(
    invoiceItems.flatMap((invoice) => {
      const key = { projectId, commitmentId: invoice.commitmentId, invoiceId: invoice.invoiceId };
      return [
        { ...key, normalizedNumber: normalizeInvoiceNumber(invoice.number) },
        { ...key, normalizedNumber: positionKey(invoice.position) },
      ];
    }),
    (batch) => InvoiceNumber.put(batch).go(),
  );
  return { label: input.label, projectId, openPeriodId: openPeriod.billingPeriodId, mainCommitmentId: main.item.commitmentId, invoiceCount: invoiceItems.length + 1 };
}
