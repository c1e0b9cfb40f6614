import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { Page } from 'playwright-core';
import { demoProject } from '../../infra/local/seed';
import { sentEmails } from '../support/mailbox';
import { demoStackInChromium } from '../support/chromium-stack';

/**
 * The built-in signer as a signer meets it: the local stack started as `npm start` starts it
 * (demo data), Priya bulk-sends two approved invoices for signature, Marco's signing emails
 * arrive in the local SES mailbox, and Debian's chromium (headless) opens each link, shows the
 * PDF, and signs: typed on one, drawn on the canvas on the other. Then, through the API, both
 * requests are completed, the invoice PDF route serves a file pdfsig verifies, and a backup of both
 * marks them signed on its cover and carries their signatures; a used link opens the refusal page.
 */
const marcoEmail = 'marco@coastline-plumbing.example';
const projectPath = `/v1/projects/${demoProject.projectId}`;
const stack = demoStackInChromium('signing-page');

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- read loosely; the contract is tested elsewhere
type Json = any;
async function asPriya(method: string, pathname: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: Json; etag: string | null }> {
  const response = await fetch(`${stack.runtime.apiUrl}${pathname}`, {
    method,
    headers: { authorization: `Bearer ${stack.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: await response.json(), etag: response.headers.get('etag') };
}

/** The signing link in the mailbox's email to Marco about `documentName`. */
async function signingLinkFor(documentName: string): Promise<string> {
  return vi.waitFor(
    async () => {
      const emails = (await sentEmails(undefined, stack.runtime.mailboxUrl)).filter((e) => e.destination.to.includes(marcoEmail) && e.subject.startsWith(`Please sign ${documentName}`));
      const link = /https?:\/\/[^\s"<>]+\/v1\/signing\/[A-Za-z0-9_-]{43}/.exec(emails.at(-1)?.body.text ?? '')?.[0];
      expect(link, `signing email for ${documentName}`).toBeDefined();
      return link!;
    },
    { timeout: 30_000, interval: 300 },
  );
}

/** Opens the link: the page, with console errors and CSP violations collected, and the PDF its frame shows. */
async function openSigningPage(link: string): Promise<{ page: Page; problems: string[] }> {
  const page = await stack.browser.newPage({ viewport: { width: 1100, height: 1000 } });
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  const response = await page.goto(link);
  expect(response?.status()).toBe(200);
  // The frame points at the invoice PDF (a presigned S3 URL), and what it loads is a PDF.
  const pdfUrl = await page.locator('iframe#document').getAttribute('src');
  expect(pdfUrl).toMatch(/^http/);
  const pdf = await page.request.get(pdfUrl!);
  expect(pdf.headers()['content-type']).toBe('application/pdf');
  expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');
  return { page, problems };
}

function pdfsig(bytes: Uint8Array, name: string): string {
  const file = path.join(stack.dataDir, name);
  fs.writeFileSync(file, bytes);
  const run = spawnSync('pdfsig', [file], { encoding: 'utf8' });
  return `${run.stdout}${run.stderr}`;
}

/** An approved invoice of the demo project by its commitment's number (SC-002 is approved here first: the seed leaves it under review). */
async function approvedInvoice(commitmentNumber: string): Promise<{ invoiceId: string; documentName: string }> {
  const period = await asPriya('GET', `${projectPath}/billing-periods/current`);
  const list = await asPriya('GET', `${projectPath}/invoices?billingPeriodId=${period.body.billingPeriodId}`);
  const commitments = await asPriya('GET', `${projectPath}/commitments`);
  const commitmentId = (commitments.body.items as Json[]).find((c) => c.number === commitmentNumber).commitmentId;
  const invoice = (list.body.items as Json[]).find((i) => i.commitmentId === commitmentId);
  if (invoice.status !== 'approved') {
    const read = await asPriya('GET', `${projectPath}/invoices/${invoice.invoiceId}`);
    const approved = await asPriya('POST', `${projectPath}/invoices/${invoice.invoiceId}/status`, { status: 'approved' }, { 'if-match': read.etag! });
    expect(approved.status, `approving ${commitmentNumber}`).toBe(200);
  }
  const pdf = await asPriya('GET', `${projectPath}/invoices/${invoice.invoiceId}/pdf`);
  return { invoiceId: invoice.invoiceId, documentName: (pdf.body.filename as string).replace(/\.pdf$/, '') };
}

describe('signing in headless chromium', () => {
  it('signs one invoice typed and another drawn on the canvas; the PDF route then serves sealed PDFs, a backup marks and carries them, a webhook hears of each; a used link is refused', async () => {
    // An integration listening for completed signatures (the local stack delivers to loopback).
    const heard: Json[] = [];
    const receiver = http.createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        heard.push(JSON.parse(body));
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const hook = await asPriya('POST', '/v1/webhook-endpoints', { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`, eventTypes: ['signature.completed'] });
    expect(hook.status, JSON.stringify(hook.body)).toBe(201);

    const typed = await approvedInvoice('PO-002');
    const drawn = await approvedInvoice('SC-002');
    const sent = await asPriya('POST', `${projectPath}/invoices/bulk-signature`, { invoiceIds: [typed.invoiceId, drawn.invoiceId] });
    expect(sent.body.results).toEqual([
      { invoiceId: typed.invoiceId, ok: true, status: 'sent', signers: 1 },
      { invoiceId: drawn.invoiceId, ok: true, status: 'sent', signers: 1 },
    ]);

    // Typed: the name field is pre-filled; Marco writes his own, agrees and signs.
    const typedLink = await signingLinkFor(typed.documentName);
    const first = await openSigningPage(typedLink);
    await expect.poll(async () => (await asPriya('GET', `${projectPath}/invoices/${typed.invoiceId}/signature`)).body.status).toBe('delivered');
    await first.page.locator('#typed').fill('Marco Rossi');
    await first.page.locator('#submit').click();
    await expect.poll(() => first.page.locator('#result').innerText()).toBe('Please agree to sign electronically first.');
    await first.page.locator('#consent').check();
    await first.page.locator('#submit').click();
    await expect.poll(() => first.page.locator('#result').innerText(), { timeout: 60_000 }).toMatch(/^Signed\. The signed document is complete/);
    expect(first.problems).toEqual([]);
    await first.page.close();

    // Drawn: a stroke across the canvas with the mouse (pointer events), then sign.
    const second = await openSigningPage(await signingLinkFor(drawn.documentName));
    await second.page.locator('input[name=kind][value=drawn]').check();
    const box = (await second.page.locator('#pad').boundingBox())!;
    await second.page.mouse.move(box.x + 20, box.y + 80);
    await second.page.mouse.down();
    for (let step = 1; step <= 12; step++) await second.page.mouse.move(box.x + 20 + step * 30, box.y + 80 - Math.round(40 * Math.sin(step / 2)));
    await second.page.mouse.up();
    await second.page.locator('#consent').check();
    await second.page.locator('#submit').click();
    await expect.poll(() => second.page.locator('#result').innerText(), { timeout: 60_000 }).toMatch(/^Signed\. The signed document is complete/);
    expect(second.problems).toEqual([]);
    await second.page.close();

    // Through the API: both requests completed, each PDF the sealed one that pdfsig verifies.
    for (const [invoice, mark] of [[typed, 'typed'], [drawn, 'drawn']] as const) {
      const signature = await asPriya('GET', `${projectPath}/invoices/${invoice.invoiceId}/signature`);
      expect(signature.body).toMatchObject({ status: 'completed', signed: true });
      expect(signature.body.signers).toEqual([expect.objectContaining({ name: 'Marco Rossi', status: 'signed' })]);
      const history = await asPriya('GET', `${projectPath}/invoices/${invoice.invoiceId}/history`);
      expect((history.body.items as Json[]).find((e) => e.type === 'signature_completed')?.changes).toMatchObject({ signer: 'Marco Rossi', mark });
      const pdf = await asPriya('GET', `${projectPath}/invoices/${invoice.invoiceId}/pdf`);
      expect(pdf.body.filename).toMatch(/\(signed\)\.pdf$/);
      const bytes = new Uint8Array(await (await fetch(pdf.body.url)).arrayBuffer());
      const report = pdfsig(bytes, `${invoice.invoiceId}.pdf`);
      expect(report).toContain('Signature is Valid');
      expect(report).toContain('Total document signed');
    }

    // The webhook: one signature.completed per invoice, from the transaction that completed it.
    await vi.waitFor(() => expect(heard).toHaveLength(2), { timeout: 30_000, interval: 300 });
    expect(heard.map((event) => [event.type, event.data.invoiceId]).sort()).toEqual([typed.invoiceId, drawn.invoiceId].sort().map((id) => ['signature.completed', id]));
    expect(heard[0].data).toMatchObject({ projectId: demoProject.projectId, document: 'invoice', provider: 'builtin', status: 'completed', signers: [{ name: 'Marco Rossi', status: 'signed' }] });
    receiver.close();

    // A backup of both: the cover marks each as signed, and their pages are the sealed PDFs (stamp and audit page).
    const requested = await asPriya('POST', `${projectPath}/invoice-backups`, { invoiceIds: [typed.invoiceId, drawn.invoiceId] });
    expect(requested.status).toBe(202);
    const job = await vi.waitFor(
      async () => {
        const current = await asPriya('GET', requested.body.location);
        expect(current.body.status).toBe('succeeded');
        return current.body;
      },
      { timeout: 60_000, interval: 500 },
    );
    const backupFile = path.join(stack.dataDir, 'backup.pdf');
    fs.writeFileSync(backupFile, new Uint8Array(await (await fetch(job.download.url)).arrayBuffer()));
    const pages = spawnSync('pdftotext', ['-layout', backupFile, '-'], { encoding: 'utf8' }).stdout.split('\f');
    const signedOn = new Intl.DateTimeFormat('en-CA', { timeZone: demoProject.timeZone }).format(new Date());
    const cover = pages[0]!.replace(/\s+/g, ' ');
    expect(cover.match(new RegExp(`Signed ${signedOn} \\(built-in e-signature\\)`, 'g'))).toHaveLength(2);
    const body = pages.slice(1).join('\n');
    expect(body.match(/Signed electronically by Marco Rossi/g)).toHaveLength(2);
    expect(body.match(/Certificate of completion/g)).toHaveLength(2);
    expect(body).toContain('Marco Rossi'); // the typed mark, in the G702 signature field

    // The typed link again: the refusal page, nothing to sign.
    const again = await stack.browser.newPage();
    const response = await again.goto(typedLink);
    expect(response?.status()).toBe(410);
    expect(await again.locator('h1').innerText()).toBe('This signing link cannot be used');
    expect(await again.locator('body').innerText()).toMatch(/already used|once/i);
    expect(await again.locator('#sign').count()).toBe(0);
    await again.close();
  });
});
