/**
 * `npm run fault -- <runs>`: the whole local stack (`tsx infra/local/start.ts`, what `npm start`
 * runs) as a child process group; each run sends 200 invites and starts a 20-invoice backup,
 * SIGKILLs the whole group at a random moment, restarts it on the same data directory and waits
 * until every invite's emailStatus is final and the backup job has ended (or the deadline passes);
 * a request the kill cut off is sent again after the restart, as its client would.
 * SES is a local SES server of this process, so what was sent survives the kill (as AWS's SES
 * outlives a crashed Lambda). Prints lost / duplicated / stuck per run and in total.
 *
 * FAULT_INVITES, FAULT_INVOICES, FAULT_KILL_MAX_MS, FAULT_WAIT_MS and SES_SEND_RATE change the sizes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { Email } from 'aws-ses-v2-local/dist/store';
import { startSesLocal } from '../infra/local/aws-services';
import { localUserId, openLocalIdp } from '../infra/local/auth';
import { freePort } from '../infra/local/ports';
import { runtimeFilePath, type RuntimeFile } from '../infra/local/runtime';
import { demoProject, demoUsers } from '../infra/local/seed';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface FaultRunResult {
  run: number;
  killedAfterMs: number;
  invites: number;
  emailed: number;
  lost: number;
  duplicated: number;
  /**
   * Of `duplicated`: copies of an email SES had accepted before the kill whose outcome the killed
   * stack never recorded (its delivery was still `sending`), so it was sent again once the claim's
   * lease ran out — the window no design closes (SES takes no idempotency key).
   */
  inFlightAtKill: number;
  /** Each other duplicate: its copies' times, the kill's and its delivery record (should be none). */
  otherDuplicates: string[];
  /** Invites whose emailStatus is not final (sent or failed) at the deadline. */
  pendingInvites: number;
  backupStatus: string;
  /** The failed job's reason (null when it succeeded, or there is none). */
  backupError: string | null;
  /** Backup jobs made (a request the kill cut off after its commit, retried once its key's lock lapsed, makes a second). */
  jobs: number;
  /** From the restart's start to the last job's end (negative: it ended before the kill); null while one is open. */
  backupEndedAfterRestartMs: number | null;
  /** Jobs still queued or running at the deadline. */
  stuck: number;
  recoveredInMs: number;
}

export interface FaultOptions {
  invites: number;
  invoices: number;
  killMaxMs: number;
  waitMs: number;
  sesSendRate: number;
  log?: (line: string) => void;
}

export const defaultFaultOptions: FaultOptions = {
  invites: Number(process.env.FAULT_INVITES ?? 200),
  invoices: Number(process.env.FAULT_INVOICES ?? 20),
  killMaxMs: Number(process.env.FAULT_KILL_MAX_MS ?? 12_000),
  waitMs: Number(process.env.FAULT_WAIT_MS ?? 240_000),
  sesSendRate: Number(process.env.SES_SEND_RATE ?? 14),
};

interface Stack {
  child: ChildProcess;
  runtime: RuntimeFile;
}

/**
 * Starts the stack as `npm start` does, in its own process group (DynamoDB Local's JVM included);
 * once more if it fails to come up (on a loaded machine DynamoDB Local can miss its 30 s start).
 */
async function startStack(dataDir: string, sesEndpoint: string, options: FaultOptions): Promise<Stack> {
  try {
    return await startStackOnce(dataDir, sesEndpoint, options);
  } catch (error) {
    (options.log ?? console.log)(`the stack did not start (${(error as Error).message.split('\n')[0]}); starting it again`);
    return startStackOnce(dataDir, sesEndpoint, options);
  }
}

async function startStackOnce(dataDir: string, sesEndpoint: string, options: FaultOptions): Promise<Stack> {
  await fs.rm(runtimeFilePath(dataDir), { force: true });
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'infra/local/start.ts')], {
    cwd: repoRoot,
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, PORT: String(port), LOCAL_DATA_DIR: dataDir, LOCAL_SES_ENDPOINT: sesEndpoint, SES_SEND_RATE: String(options.sesSendRate), POWERTOOLS_LOG_LEVEL: 'ERROR' },
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      killStack({ child }); // whatever it started before failing
      throw new Error(`the stack exited (${child.exitCode}): ${stderr}`);
    }
    const text = await fs.readFile(runtimeFilePath(dataDir), 'utf8').catch(() => undefined);
    if (text) {
      const runtime = JSON.parse(text) as RuntimeFile;
      const health = await fetch(`${runtime.apiUrl}/health`).catch(() => undefined);
      if (health?.ok) return { child, runtime };
    }
    await sleep(250);
  }
  killStack({ child });
  throw new Error(`the stack did not start in 120 s: ${stderr}`);
}

/** SIGKILL to the whole process group: node, DynamoDB Local's JVM, everything the stack started. */
function killStack(stack: Pick<Stack, 'child'>): void {
  try {
    process.kill(-stack.child.pid!, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Runs this file as a child with the stack's environment (its SDK clients bound to the stack's ports). */
async function inStack<T>(runtime: RuntimeFile, args: string[]): Promise<T> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', ...args], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...runtime.env, POWERTOOLS_LOG_LEVEL: 'SILENT' },
  });
  let stdout = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`fault helper ${args[0]} exited ${code}: ${stdout}`);
  return JSON.parse(stdout.trim().split('\n').pop()!) as T;
}

/**
 * A POST as a client sends it: again after Retry-After while the answer says to (409
 * `idempotency-in-progress`: a killed request still holds the Idempotency-Key until its lock
 * lapses; 503: a dependency busy, e.g. DynamoDB Local just restarted), for up to a minute.
 */
async function fetchRetrying(url: string, init: RequestInit): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    const response = await fetch(url, init);
    if (!response.headers.has('retry-after') || attempt >= 60) return response;
    await response.body?.cancel();
    await sleep(Number(response.headers.get('retry-after') ?? 1) * 1000);
  }
}

export async function faultRun(run: number, options: FaultOptions = defaultFaultOptions): Promise<FaultRunResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'fault-'));
  const ses = await startSesLocal();
  // The local SES keeps its mailbox in module state, shared by every server this process starts:
  // without this, a second run would count the first run's emails as duplicates.
  await fetch(`${ses.endpoint}/clear-store`, { method: 'POST' });
  let stack: Stack | undefined;
  try {
    stack = await startStack(dataDir, ses.endpoint, options);
    const seeded = await inStack<{ projectId: string; periodId: string; commitmentIds: string[]; invoiceIds: string[] }>(stack.runtime, [
      'seed',
      String(options.invites),
      String(options.invoices),
    ]);
    const idp = await openLocalIdp(dataDir);
    const benchAdmin = `Bearer ${await idp.signToken({ sub: 'bench-admin', email: 'admin@gc.bench', name: 'Priya Patel' })}`;
    const priya = demoUsers[0]!;
    const demoAdmin = `Bearer ${await idp.signToken({ sub: localUserId(priya.email), email: priya.email, name: priya.name })}`;

    const apiUrl = stack.runtime.apiUrl;
    const killAfterMs = Math.round(Math.random() * options.killMaxMs);
    let killedAt = 0;
    const killer = sleep(killAfterMs).then(() => {
      killStack(stack!);
      killedAt = Date.now();
    });
    // The two operations, as clients would send them; a request the kill cuts off is fine (its client would retry).
    const sendInvites = async (url: string) => {
      for (let i = 0; i < seeded.commitmentIds.length; i += 500) {
        const response = await fetchRetrying(`${url}/v1/projects/${seeded.projectId}/billing-periods/${seeded.periodId}/invites`, {
          method: 'POST',
          headers: { authorization: benchAdmin, 'content-type': 'application/json' },
          body: JSON.stringify({ commitmentIds: seeded.commitmentIds.slice(i, i + 500), invoiceType: 'work_materials_retainage' }),
        });
        if (response.status !== 200) throw new Error(`POST invites answered ${response.status}`);
      }
      return true;
    };
    // One key for the request and its retry after the restart, as a client would: the same job either way.
    const backupKey = randomUUID();
    const requestBackup = async (url: string) => {
      const response = await fetchRetrying(`${url}/v1/projects/${demoProject.projectId}/invoice-backups`, {
        method: 'POST',
        headers: { authorization: demoAdmin, 'content-type': 'application/json', 'idempotency-key': backupKey },
        body: JSON.stringify({ invoiceIds: seeded.invoiceIds }),
      });
      const body = (await response.json()) as { jobId?: string; type?: string };
      // The request the kill cut off had committed its job: the retry is told so, and the job is in the table.
      if (response.status === 409 && body.type?.endsWith('/idempotency-answer-lost')) return 'committed before the kill';
      if (response.status !== 202 || !body.jobId) throw new Error(`POST invoice-backups answered ${response.status}: ${JSON.stringify(body)}`);
      return body.jobId;
    };
    const sends = sendInvites(apiUrl).catch(() => false);
    // `invoices: 0` leaves the backup out (the invite half alone).
    const backup = options.invoices > 0 ? requestBackup(apiUrl).catch(() => undefined) : Promise.resolve('none');
    await killer;
    const invitesAnswered = await sends;
    const acceptedJob = await backup;
    log(`run ${run}: killed after ${killAfterMs} ms (invites ${invitesAnswered ? 'answered' : 'not answered'}, backup ${acceptedJob ? 'accepted' : 'not answered'}); restarting`);

    const restartBegan = Date.now();
    stack = await startStack(dataDir, ses.endpoint, options);
    const restarted = Date.now();
    // A request the kill cut off is retried, as its client would (invites already written are refused, not sent again).
    if (!invitesAnswered) await sendInvites(stack.runtime.apiUrl);
    if (options.invoices > 0 && !acceptedJob) await requestBackup(stack.runtime.apiUrl);
    let state: InspectState | undefined;
    let emails: Email[] = [];
    while (Date.now() - restarted < options.waitMs) {
      const current: NonNullable<typeof state> = await inStack(stack.runtime, ['inspect', seeded.projectId, seeded.periodId]);
      state = current;
      emails = ((await (await fetch(`${ses.endpoint}/store`)).json()) as { emails: Email[] }).emails;
      const jobsEnded = current.jobs.every((job) => job.status !== 'queued' && job.status !== 'running');
      if (current.pending === 0 && jobsEnded && new Set(emails.flatMap((e) => e.destination.to)).size >= current.invited) break;
      await sleep(2000);
    }
    const recoveredInMs = Date.now() - restarted;
    const inviteEmails = emails.filter((e) => e.destination.to.some((to) => to.endsWith('@vendor.bench')));
    const recipients = new Set(inviteEmails.flatMap((e) => e.destination.to));
    const job = state!.jobs.find((j) => j.status !== 'succeeded') ?? state!.jobs[0];
    const jobsEnded = state!.jobs.length > 0 && state!.jobs.every((j) => j.finishedAt);
    const deliveries = new Map(state!.deliveries.map((d) => [d.to, d]));
    const copiesOf = new Map<string, Email[]>();
    for (const email of inviteEmails) copiesOf.set(email.destination.to[0]!, [...(copiesOf.get(email.destination.to[0]!) ?? []), email]);
    let inFlightAtKill = 0;
    const otherDuplicates: string[] = [];
    for (const [to, copies] of copiesOf) {
      if (copies.length < 2) continue;
      const delivery = deliveries.get(to);
      // The local SES stamps `at` in whole seconds (not ms): a copy stamped in the kill's second or
      // earlier may have been accepted before it; a take-over comes after the restart, seconds later.
      const killedAtSecond = Math.floor(killedAt / 1000);
      const acceptedBeforeKill = copies.filter((e) => e.at <= killedAtSecond).length;
      // One send SES accepted before the kill, taken over (a second attempt) after it, sent once more.
      const inFlight = copies.length === 2 && acceptedBeforeKill === 1 && (delivery?.attempts ?? 0) >= 2;
      if (inFlight) inFlightAtKill += 1;
      else {
        const detail = `${to} got ${copies.length} copies at ${copies.map((e) => e.at).join(', ')} s (killed at ${killedAtSecond} s; delivery ${JSON.stringify(delivery)})`;
        otherDuplicates.push(detail);
        log(`run ${run}: ${detail}`);
      }
    }
    const result: FaultRunResult = {
      run,
      killedAfterMs: killAfterMs,
      invites: state!.invited,
      emailed: recipients.size,
      // Every invite written (the POST answered or not) must reach its contact.
      lost: state!.invited - recipients.size,
      duplicated: inviteEmails.length - recipients.size,
      inFlightAtKill,
      otherDuplicates,
      pendingInvites: state!.pending,
      backupStatus: job?.status ?? 'missing',
      backupError: job?.error ?? null,
      jobs: state!.jobs.length,
      backupEndedAfterRestartMs: jobsEnded ? Math.max(...state!.jobs.map((j) => Date.parse(j.finishedAt!))) - restartBegan : null,
      stuck: state!.jobs.filter((j) => j.status === 'queued' || j.status === 'running').length,
      recoveredInMs,
    };
    return result;
  } finally {
    if (stack) killStack(stack);
    await ses.stop();
    await fs.rm(dataDir, { recursive: true, force: true }).catch(() => undefined);
  }
}

export function printFaultTable(results: FaultRunResult[]): void {
  const rows = results.map((r) => ({
    run: r.run,
    'killed at': `${(r.killedAfterMs / 1000).toFixed(2)} s`,
    invites: r.invites,
    emailed: r.emailed,
    lost: r.lost,
    duplicated: r.duplicated,
    'of which in flight at the kill': r.inFlightAtKill,
    'not final': r.pendingInvites,
    backup: r.jobs > 1 ? `${r.backupStatus} (${r.jobs} jobs)` : r.backupStatus,
    'backup ended after restart': r.backupEndedAfterRestartMs === null ? '-' : `${(r.backupEndedAfterRestartMs / 1000).toFixed(1)} s`,
    stuck: r.stuck,
    'settled after restart': `${(r.recoveredInMs / 1000).toFixed(1)} s`,
  }));
  console.table(rows);
  const sum = (key: 'lost' | 'duplicated' | 'inFlightAtKill' | 'stuck' | 'pendingInvites') => results.reduce((total, r) => total + r[key], 0);
  const lateBackups = results.filter((r) => r.backupEndedAfterRestartMs === null || r.backupEndedAfterRestartMs > 120_000).length;
  console.log(
    `${results.length} runs: lost ${sum('lost')}, duplicated ${sum('duplicated')} (in flight at the kill ${sum('inFlightAtKill')}, other ${sum('duplicated') - sum('inFlightAtKill')}), stuck jobs ${sum('stuck')}, invites not final ${sum('pendingInvites')}, backups not ended within 2 min of the restart ${lateBackups}`,
  );
}

interface InspectState {
  invited: number;
  final: number;
  pending: number;
  jobs: Array<{ jobId: string; status: string; finishedAt?: string; error?: string }>;
  /** Each invite email's delivery record, by recipient. */
  deliveries: Array<{ to: string; status: string; attempts: number; lastError?: string }>;
}

/** In the child, with the stack's environment. */
async function child(args: string[]): Promise<unknown> {
  const { db } = await import('../shared/db/service');
  if (args[0] === 'seed') {
    const { seedInviteProject } = await import('./invites');
    const { projectId, periodId } = await seedInviteProject(Number(args[1]));
    const { data: commitments } = await db().Commitment.query.byProject({ projectId }).go({ pages: 'all', attributes: ['commitmentId'] });
    // The backup's invoices: copies of the demo project's seeded invoices, each with an id and number of its own.
    const { data: demoInvoices } = await db().Invoice.query.byProject({ projectId: demoProject.projectId }).go({ pages: 'all' });
    if (demoInvoices.length === 0) throw new Error('the demo project has no invoices to copy');
    const copies = Array.from({ length: Number(args[2]) }, (_, i) => {
      const source = demoInvoices[i % demoInvoices.length]!;
      return { ...source, invoiceId: randomUUID(), number: `FAULT-${String(i + 1).padStart(3, '0')}` };
    });
    if (copies.length > 0) await db().Invoice.put(copies).go();
    return { projectId, periodId, commitmentIds: commitments.map((c) => c.commitmentId), invoiceIds: copies.map((c) => c.invoiceId) };
  }
  if (args[0] === 'inspect') {
    const [projectId, periodId] = args.slice(1) as [string, string];
    const { data: invites } = await db().Invite.query.byPeriod({ projectId, billingPeriodId: periodId }).go({ pages: 'all', consistent: true });
    const { data: jobs } = await db().BackupJob.query.byProject({ projectId: demoProject.projectId }).go({ pages: 'all', consistent: true });
    const { inviteEmailId } = await import('../functions/events/invite-emails');
    const { batchGetAll } = await import('../shared/db/service');
    const emailIds = invites.flatMap((invite) => invite.contactIds.map((contactId) => ({ emailId: inviteEmailId(invite, contactId, 'invite') })));
    const deliveries = await batchGetAll(emailIds, (keys) => db().EmailDelivery.get(keys).go({ consistent: true }));
    const state: InspectState = {
      invited: invites.length,
      final: invites.filter((i) => i.emailStatus === 'sent' || i.emailStatus === 'failed').length,
      pending: invites.filter((i) => i.emailStatus !== 'sent' && i.emailStatus !== 'failed').length,
      jobs: jobs.map((j) => ({ jobId: j.jobId, status: j.status, finishedAt: j.finishedAt, error: j.error })),
      deliveries: deliveries.map((d) => ({ to: d.to[0]!, status: d.status, attempts: d.attempts, lastError: d.lastError })),
    };
    return state;
  }
  throw new Error(`unknown fault helper ${args[0]}`);
}

if (process.argv[2] === '--child') {
  console.log(JSON.stringify(await child(process.argv.slice(3))));
  process.exit(0);
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const runs = Number(process.argv[2] ?? 1);
  const results: FaultRunResult[] = [];
  for (let run = 1; run <= runs; run++) {
    const result = await faultRun(run);
    // Each run as it ends: a long series can be read (or stopped) before its table.
    console.log(JSON.stringify(result));
    results.push(result);
  }
  printFaultTable(results);
  process.exit(0);
}
