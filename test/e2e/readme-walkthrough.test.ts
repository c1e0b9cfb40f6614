import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { localUserId } from '../../infra/local/auth';
import { freePort } from '../../infra/local/ports';
import { startLocalRuntime, type LocalRuntime } from '../../infra/local/runtime';
import { cycleProject, demoProject } from '../../infra/local/seed';
import { billingDuePartitionOf } from '../../shared/db/entities/project';
import { sentEmails } from '../support/mailbox';

/**
 * The README's walkthrough, run as written: the ```sh blocks between the walkthrough markers,
 * in order, in one bash (curl, jq, `npm run token`) against a local stack started as `npm start`
 * starts it, with its demo data. A README edit that breaks a step breaks this test.
 */
const root = path.resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

function walkthroughScript(readme: string): string {
  const section = /<!-- walkthrough:start -->([\s\S]*?)<!-- walkthrough:end -->/.exec(readme)?.[1];
  if (!section) throw new Error('README.md has no walkthrough section');
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1]!);
  return blocks.join('\n');
}

let dataDir: string;
let runtime: LocalRuntime;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'walkthrough-'));
  runtime = await startLocalRuntime({ port: await freePort(), dataDir, seed: true, schedules: false, log: () => undefined });
}, 120_000);

afterAll(async () => {
  await runtime?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const asPriya = async (pathname: string) => {
  const token = await runtime.idp.signToken({ sub: localUserId('priya@northbeam.example'), email: 'priya@northbeam.example', name: 'Priya Patel' });
  const response = await fetch(`${runtime.apiUrl}${pathname}`, { headers: { authorization: `Bearer ${token}` } });
  expect(response.status, pathname).toBe(200);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- read loosely; the contract is tested elsewhere
  return (await response.json()) as any;
};

describe('demo data', () => {
  it('shows the product at work: an open period with an invite awaiting an answer, one accepted, one submitted and one approved invoice', async () => {
    const projectPath = `/v1/projects/${demoProject.projectId}`;
    const period = await asPriya(`${projectPath}/billing-periods/current`);
    expect(period).toMatchObject({ status: 'open' });
    const invites = await asPriya(`${projectPath}/billing-periods/${period.billingPeriodId}/invites`);
    const byNumber = Object.fromEntries((invites.items as Array<{ number: string; status: string }>).map((row) => [row.number, row.status]));
    expect(byNumber).toMatchObject({ 'SC-001': 'accepted', 'SC-002': 'accepted', 'SC-003': 'invited', 'PO-001': 'not_invited', 'PO-002': 'accepted' });
    const invoices = await asPriya(`${projectPath}/invoices?billingPeriodId=${period.billingPeriodId}`);
    expect((invoices.items as Array<{ status: string }>).map((invoice) => invoice.status).sort()).toEqual(['approved', 'under_review']);
  });
});

describe('the billing cycle on the demo data', () => {
  it('`npm run invoke -- billing-cycle` fans out Riverside Apartments’ partition; its worker opens the due monthly period and invites Ella', async () => {
    const projectPath = `/v1/projects/${cycleProject.projectId}`;
    expect((await asPriya(`${projectPath}/billing-periods`)).items).toEqual([]);

    const { stdout } = await run('npm', ['run', '-s', 'invoke', '--', 'billing-cycle'], { cwd: root, env: { ...process.env, LOCAL_DATA_DIR: dataDir } });
    expect(stdout).toContain(billingDuePartitionOf(cycleProject.projectId));

    // The worker runs on the bus of the running stack, after the scheduled run answered.
    const period = await vi.waitFor(
      async () => {
        const current = await asPriya(`${projectPath}/billing-periods/current`);
        expect(current).toMatchObject({ status: 'open', source: 'automatic', createdBy: 'system' });
        return current;
      },
      { timeout: 30_000, interval: 500 },
    );
    // Automatic invites follow through the outbox and the bus.
    await vi.waitFor(
      async () => {
        const invites = await asPriya(`${projectPath}/billing-periods/${period.billingPeriodId}/invites`);
        expect(invites.items).toEqual([expect.objectContaining({ number: 'SC-101', status: 'invited', emailStatus: 'sent' })]);
      },
      { timeout: 30_000, interval: 500 },
    );
    const emails = await sentEmails();
    expect(emails.filter((email) => email.subject.startsWith('Riverside Apartments') && email.destination.to.some((to) => to.includes('ella@')))).toHaveLength(1);
  });
});

describe('README walkthrough', () => {
  it('runs every step from a token to a downloaded backup PDF', async () => {
    const script = walkthroughScript(fs.readFileSync(path.join(root, 'README.md'), 'utf8'));
    expect(script).toContain('invoice-backups');
    const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', script], {
      cwd: root,
      env: { ...process.env, API: runtime.apiUrl, LOCAL_DATA_DIR: dataDir },
      maxBuffer: 10 * 1024 * 1024,
    }).catch((error: { stdout: string; stderr: string }) => {
      throw new Error(`the walkthrough failed:\n${error.stdout}\n${error.stderr}`);
    });
    expect(stdout).toContain('"status": "approved"');
    expect(stdout).toContain('"status": "succeeded"');
    const pdf = /backup PDF: (\S+)/.exec(stdout)?.[1];
    expect(pdf).toBeDefined();
    expect(fs.readFileSync(pdf!).subarray(0, 5).toString()).toBe('%PDF-');
    fs.rmSync(path.dirname(pdf!), { recursive: true, force: true });

    // Ella's invite email links to the frontend, here the local stand-in page naming the API calls.
    const invite = await vi.waitFor(
      async () => {
        const emails = await sentEmails();
        const found = emails.find((email) => email.destination.to.some((to) => to.includes('ella@harbour-electrical.example')) && /invited you to bill/.test(email.subject));
        if (!found) throw new Error(`no invite email to Ella among ${emails.map((email) => email.subject).join(', ')}`);
        return found;
      },
      { timeout: 20_000, interval: 500 },
    );
    const link = new RegExp(`${runtime.apiUrl}/projects/[^\\s"<]+`).exec(invite.body.text ?? '')?.[0];
    expect(link).toBeDefined();
    const page = await fetch(link!);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toMatch(/POST \/v1\/projects\/[^/]+\/invites\/[^/]+\/response/);
    expect(html).toContain('href="/docs"');
  }, 240_000);
});
