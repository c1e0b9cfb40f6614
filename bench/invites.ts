import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { SendEmailCommand } from '@aws-sdk/client-sesv2';
import { ensureTable, startLocalAws } from '../infra/local/aws-services';
import { openLocalIdp } from '../infra/local/auth';
import { startHttpServer } from '../infra/local/http-server';
import { startLocalEventBus } from '../infra/local/event-bus';
import { invokeLocal } from '../infra/local/lambda';
import { freePort } from '../infra/local/ports';
import { dynamoDocumentClient } from '../shared/aws/dynamo';
import { sesClient } from '../shared/aws/ses';
import { db } from '../shared/db/service';
import { addDays, localDate } from '../shared/domain/billing-periods';
import { defaultProjectSettings } from '../shared/domain/project-settings';
import { inParallel, ms, recordRatio, table, timed } from './stats';

/**
 * The invite fan-out for 1,000 commitments (one contact each; BENCH_INVITES=n for another count)
 * on the local stack: POSTs of 500 through the local API Gateway, then `invites.sent` on the local
 * event bus until every email is in aws-ses-v2-local, paced to SES_SEND_RATE (default 14/s, SES's
 * starting quota). Counts DynamoDB requests (by operation), writes per email, SES sends, emails
 * lost or doubled, and the fan-out's time against its floor (emails / rate); measures two
 * references in the same run: the same SendEmail calls made directly, and as many PutItems.
 */
export async function invites(): Promise<void> {
  const count = Number(process.env.BENCH_INVITES ?? 1000);
  const rate = Number(process.env.SES_SEND_RATE ?? 14);
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-invites-'));
  const aws = await startLocalAws();
  // Deliveries wait for the POSTs to finish, so each phase's time and requests are its own.
  let openGate = () => undefined as void;
  const gate = new Promise<void>((resolve) => (openGate = resolve));
  const bus = await startLocalEventBus({ log: () => undefined, invoke: async (target, event) => (await gate, invokeLocal(target, event)) });
  Object.assign(process.env, aws.env, {
    TABLE_NAME: 'bench-invites',
    BUCKET_NAME: 'bench-invites',
    EVENT_BUS_NAME: bus.busName,
    AWS_ENDPOINT_URL_EVENTBRIDGE: bus.endpoint,
    EMAIL_FROM: 'billing@progress-claims.bench',
    FRONTEND_BASE_URL: 'https://app.progress-claims.bench',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    SES_SEND_RATE: String(rate),
  });
  await ensureTable('bench-invites', aws.env.AWS_ENDPOINT_URL_DYNAMODB!);
  // Imported once the environment is set: the logger reads its level when first loaded.
  const { defaultInviteEmailOptions } = await import('../functions/events/invite-emails');

  const dynamo: Record<string, number> = {};
  let sesSends = 0;
  dynamoDocumentClient().middlewareStack.add(
    (next, context) => (args) => ((dynamo[context.commandName ?? '?'] = (dynamo[context.commandName ?? '?'] ?? 0) + 1), next(args)),
    { step: 'initialize', name: 'countRequests' },
  );
  sesClient().middlewareStack.add((next) => (args) => ((sesSends += 1), next(args)), { step: 'initialize', name: 'countSends' });
  const snapshot = () => ({ ...dynamo });
  const requestsSince = (before: Record<string, number>) => {
    const byOperation: Record<string, number> = {};
    for (const [operation, n] of Object.entries(dynamo)) if (n > (before[operation] ?? 0)) byOperation[operation] = n - (before[operation] ?? 0);
    return { total: Object.values(byOperation).reduce((a, b) => a + b, 0), byOperation };
  };

  // Seed: a project in Sydney, an admin, a vendor, `count` commitments with one contact each, an open period.
  const { projectId, periodId, admin } = await seedInviteProject(count);
  console.log(`seeded ${count} commitments, each with one invoice contact`);

  const idp = await openLocalIdp(dataDir);
  const api = await startHttpServer({ port: await freePort(), host: '127.0.0.1', idp, log: () => undefined });
  const authorization = `Bearer ${await idp.signToken({ sub: admin.userId, email: admin.email, name: admin.name })}`;
  const { data: commitments } = await db().Commitment.query.byProject({ projectId }).go({ pages: 'all', attributes: ['commitmentId'] });
  const ids = commitments.map((c) => c.commitmentId);

  // The route: two requests of 500 (its limit), through the HTTP stack.
  const beforeHttp = snapshot();
  const started = performance.now();
  let invited = 0;
  for (let i = 0; i < ids.length; i += 500) {
    // As a client would: again after Retry-After when DynamoDB Local is too busy to answer (503).
    for (let attempt = 1; ; attempt++) {
      const response = await fetch(`${api.url}/v1/projects/${projectId}/billing-periods/${periodId}/invites`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/json' },
        body: JSON.stringify({ commitmentIds: ids.slice(i, i + 500), invoiceType: 'work_materials_retainage' }),
      });
      const body = (await response.json()) as { invited?: unknown[]; refused?: unknown[] };
      if (response.status === 503 && attempt < 10) {
        await new Promise((resolve) => setTimeout(resolve, Number(response.headers.get('retry-after') ?? 5) * 1000));
        continue;
      }
      if (response.status !== 200) throw new Error(`POST invites answered ${response.status}: ${JSON.stringify(body)}`);
      invited += body.invited!.length;
      break;
    }
  }
  const httpMs = performance.now() - started;
  const httpRequests = requestsSince(beforeHttp);

  // The fan-out: invites.sent → invite-emails → SES, until the bus is idle.
  const beforeFanOut = snapshot();
  const sendsBefore = sesSends;
  openGate();
  await bus.idle();
  const totalMs = performance.now() - started;
  const fanOutMs = totalMs - httpMs;
  const fanOutRequests = requestsSince(beforeFanOut);
  const sends = sesSends - sendsBefore;
  const store = ((await (await fetch(`${aws.mailboxUrl}/store`)).json()) as { emails: Array<{ destination: { to: string[] } }> }).emails;
  const inStore = store.length;
  const recipients = new Set(store.flatMap((email) => email.destination.to));
  const lost = count - recipients.size;
  const duplicated = inStore - recipients.size;
  const writesOf = (byOperation: Record<string, number>) =>
    Object.entries(byOperation).reduce((sum, [operation, n]) => sum + (/^(Put|Update|Delete|TransactWrite|BatchWrite)/.test(operation) ? n : 0), 0);
  const fanOutWrites = writesOf(fanOutRequests.byOperation);
  const floorMs = (count / rate) * 1000;
  const { data: stored } = await db().Invite.query.byPeriod({ projectId, billingPeriodId: periodId }).go({ pages: 'all', attributes: ['emailStatus'] });
  const sentStatus = stored.filter((i) => i.emailStatus === 'sent').length;

  // References: the same number of SendEmail calls directly (same concurrency as the handler), and plain PutItems.
  const concurrency = defaultInviteEmailOptions.concurrency;
  const referenceSes = await timed(() =>
    inParallel(count, concurrency, (i) =>
      sesClient().send(
        new SendEmailCommand({
          FromEmailAddress: 'billing@progress-claims.bench',
          Destination: { ToAddresses: [`reference-${i}@vendor.bench`] },
          Content: { Simple: { Subject: { Data: 'Reference' }, Body: { Text: { Data: 'Reference email' }, Html: { Data: '<p>Reference email</p>' } } } },
        }),
      ),
    ),
  );
  const referencePut = await timed(() =>
    inParallel(count, concurrency, (i) =>
      dynamoDocumentClient().send(new PutCommand({ TableName: 'bench-invites', Item: { pk: `reference#${i}`, sk: 'reference', value: randomUUID() } })),
    ),
  );

  table([
    { what: `POST …/invites ×${Math.ceil(ids.length / 500)} (HTTP, ${invited} invited)`, time: ms(httpMs), perInvite: ms(httpMs / count), dynamoRequests: httpRequests.total, perInviteRequests: (httpRequests.total / count).toFixed(3) },
    { what: `fan-out to SES (${sends} sends, ${inStore} in the store)`, time: ms(fanOutMs), perInvite: ms(fanOutMs / count), dynamoRequests: fanOutRequests.total, perInviteRequests: (fanOutRequests.total / count).toFixed(3) },
    { what: 'total: POSTs → last email', time: ms(totalMs), perInvite: ms(totalMs / count), dynamoRequests: httpRequests.total + fanOutRequests.total, perInviteRequests: ((httpRequests.total + fanOutRequests.total) / count).toFixed(3) },
    { what: `reference: ${count} SendEmail direct (×${concurrency})`, time: ms(referenceSes), perInvite: ms(referenceSes / count), dynamoRequests: 0, perInviteRequests: '0' },
    { what: `reference: ${count} PutItem direct (×${concurrency})`, time: ms(referencePut), perInvite: ms(referencePut / count), dynamoRequests: count, perInviteRequests: '1' },
  ]);
  console.log('DynamoDB requests of the POSTs by operation:', httpRequests.byOperation);
  console.log('DynamoDB requests of the fan-out by operation:', fanOutRequests.byOperation);
  console.log(`invites with emailStatus sent: ${sentStatus}/${stored.length}`);
  console.log(`emails: ${recipients.size}/${count} contacts emailed, lost ${lost}, duplicated ${duplicated}`);
  recordRatio('invites', 'fan-out / (direct SendEmail + 2 writes per email)', fanOutMs / (referenceSes + 2 * referencePut));
  console.log(
    `fan-out DynamoDB writes per email: ${(fanOutWrites / sends).toFixed(3)} (claim, then outcome + invite status in one transaction; ` +
      `plus the outbox record's dispatch per event)`,
  );
  console.log(
    `pacing: ${count} emails at ${rate}/s → floor ${ms(floorMs)}; fan-out took ${ms(fanOutMs)} (${(fanOutMs / floorMs).toFixed(2)}× the floor)`,
  );

  await api.stop();
  await bus.stop();
  await aws.stop();
  await fs.rm(dataDir, { recursive: true, force: true });
}

export async function seedInviteProject(count: number) {
  const { Company, User, Project, Member, ProjectVendor, Commitment, BillingPeriod } = db();
  const at = new Date().toISOString();
  const companyId = 'bench-gc';
  const vendorId = 'bench-vendor';
  const projectId = randomUUID();
  const admin = { userId: 'bench-admin', email: 'admin@gc.bench', name: 'Priya Patel' };
  await Company.create({ companyId, name: 'Northbeam Constructions', kind: 'general_contractor', createdAt: at }).go();
  await Company.create({ companyId: vendorId, name: 'Harbour Electrical', kind: 'vendor', ownerCompanyId: companyId, createdAt: at }).go();
  await User.create({ ...admin, companyId, companyRole: 'admin', createdAt: at }).go();
  await Project.create({
    ...defaultProjectSettings('en-AU'),
    projectId,
    companyId,
    name: 'Harbour Tower',
    number: 'HT-1',
    timeZone: 'Australia/Sydney',
    createdBy: admin.userId,
    createdAt: at,
  }).go();
  await Member.create({ projectId, userId: admin.userId, commitments: 'admin', headContracts: 'admin', createdAt: at }).go();
  await ProjectVendor.create({ projectId, vendorId, name: 'Harbour Electrical', createdAt: at }).go();

  const contacts = Array.from({ length: count }, (_, i) => ({
    userId: `bench-contact-${i}`,
    email: `contact-${i}@vendor.bench`,
    name: `Contact ${i}`,
    companyId: vendorId,
    companyRole: 'member' as const,
    createdAt: at,
  }));
  await User.put(contacts).go();
  await Commitment.put(
    contacts.map((contact, i) => {
      const number = `SC-${String(i + 1).padStart(4, '0')}`;
      return {
        projectId,
        commitmentId: randomUUID(),
        type: 'subcontract' as const,
        number,
        title: `Trade package ${i + 1}`,
        vendorId,
        vendorName: 'Harbour Electrical',
        status: 'approved' as const,
        accountingMethod: 'amount' as const,
        retainage: { workPercent: '10', workEnabled: true, materialsPercent: '0', materialsEnabled: false },
        private: false,
        privateUserIds: [contact.userId],
        invoiceContactIds: [contact.userId],
        ssovEnabled: false,
        paymentsIssuedEnabled: false,
        lineCount: 0,
        originalContractSumCents: 0,
        approvedChangeOrdersCents: 0,
        searchText: `${number} trade package ${i + 1} harbour electrical`,
        version: 1,
        createdBy: admin.userId,
        createdAt: at,
        updatedAt: at,
      };
    }),
  ).go();

  const today = localDate(new Date(), 'Australia/Sydney');
  const periodId = randomUUID();
  await BillingPeriod.create({
    projectId,
    billingPeriodId: periodId,
    position: 1,
    startDate: addDays(today, -5),
    endDate: addDays(today, 25),
    dueDate: addDays(today, 20),
    status: 'open',
    source: 'manual',
    invoiceCount: 0,
    version: 1,
    createdBy: admin.userId,
    createdAt: at,
    updatedAt: at,
  }).go();
  await Project.patch({ projectId }).set({ openBillingPeriodId: periodId }).go();
  return { projectId, periodId, admin };
}
