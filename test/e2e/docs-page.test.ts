import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { routes } from '../../shared/wiring/routes';
import { docsOf } from '../../shared/wiring/route-docs';
import { openApiDocument } from '../../shared/http/openapi';
import { demoStackInChromium, priya } from '../support/chromium-stack';

/**
 * /docs as a frontend developer meets it: rendered by Debian's chromium (headless) from the
 * local stack, every operation on the page, the search box filtering them, and "try it out"
 * sending the bearer token entered under "Authorize".
 */
const stack = demoStackInChromium('docs-page');

/** A fresh page on /docs, with every console error and CSP violation collected. */
async function openDocs(): Promise<{ page: Page; problems: string[] }> {
  const page = await stack.browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto(`${stack.runtime.apiUrl}/docs`);
  await page.locator('.opblock').first().waitFor();
  return { page, problems };
}

/** Swagger UI's method badge colours. */
const badgeColours = { get: [0x61, 0xaf, 0xfe], post: [0x49, 0xcc, 0x90] } as const;

/** The share of the screenshot's pixels in each badge colour, decoded by the browser itself. */
async function badgeColourShares(page: Page, png: Buffer): Promise<Record<keyof typeof badgeColours, number>> {
  return page.evaluate(
    async ({ dataUrl, colours }) => {
      // Runs in the page; the project's tsc has no DOM library, so the few browser types are named here.
      interface Canvas {
        width: number;
        height: number;
        getContext(kind: '2d'): { drawImage(image: unknown, x: number, y: number): void; getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null;
      }
      const dom = globalThis as unknown as {
        Image: new () => { src: string; width: number; height: number; decode(): Promise<void> };
        document: { createElement(tag: 'canvas'): Canvas };
      };
      const { document } = dom;
      const image = new dom.Image();
      image.src = dataUrl;
      await image.decode();
      const canvas = document.createElement('canvas');
      canvas.width = image.width;
      canvas.height = image.height;
      const context = canvas.getContext('2d')!;
      context.drawImage(image, 0, 0);
      const { data } = context.getImageData(0, 0, image.width, image.height);
      const counts = Object.fromEntries(Object.keys(colours).map((name) => [name, 0]));
      for (let i = 0; i < data.length; i += 4) {
        for (const [name, [r, g, b]] of Object.entries(colours)) {
          if (Math.abs(data[i]! - r) + Math.abs(data[i + 1]! - g) + Math.abs(data[i + 2]! - b) < 12) counts[name]!++;
        }
      }
      const pixels = data.length / 4;
      return Object.fromEntries(Object.entries(counts).map(([name, count]) => [name, count / pixels]));
    },
    { dataUrl: `data:image/png;base64,${png.toString('base64')}`, colours: badgeColours },
  ) as Promise<Record<keyof typeof badgeColours, number>>;
}

const shownOperationIds = (page: Page) => page.locator('.opblock-summary-operation-id').allInnerTexts();

/** The webhooks the document describes (one POST per domain event): Swagger UI lists them after the paths, unfiltered. */
const webhookOperationIds = Object.values((openApiDocument() as { webhooks?: Record<string, { post?: { operationId?: string } }> }).webhooks ?? {}).flatMap(
  (webhook) => webhook.post?.operationId ?? [],
);
const routeOperationIds = new Set<string>(routes.map((route) => route.operationId));

describe('GET /docs in headless chromium', () => {
  it('shows every operation of the route table, with no console errors or CSP violations', async () => {
    const { page, problems } = await openDocs();
    expect(webhookOperationIds.length).toBeGreaterThan(10);
    expect(new Set(await shownOperationIds(page))).toEqual(new Set([...routeOperationIds, ...webhookOperationIds]));
    const screenshot = await page.screenshot({ fullPage: false, path: path.join(stack.dataDir, 'docs.png') });
    // A blank or unstyled page compresses to a few KB; the rendered reference does not.
    expect(screenshot.length).toBeGreaterThan(30_000);
    // And what it shows: the method badges of the operation list in Swagger UI's colours.
    const shares = await badgeColourShares(page, screenshot);
    expect(shares.get, 'GET badges (blue)').toBeGreaterThan(0.0005);
    expect(shares.post, 'POST badges (green)').toBeGreaterThan(0.0005);
    expect(await page.locator('.info .title').innerText()).toContain('Progress Claims API');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('filters operations by what is typed in the search box (path, summary, operationId or tag)', async () => {
    const { page } = await openDocs();
    const phrase = 'backup';
    await page.locator('.operation-filter-input').fill(phrase);
    const expected = routes
      .filter((route) =>
        [docsOf(route).tags.join(' '), route.method, route.path, docsOf(route).summary, route.operationId].join(' ').toLowerCase().includes(phrase),
      )
      .map((route) => route.operationId);
    // Swagger UI's filter narrows the paths' operations; the webhooks section is listed as it is.
    const shownRoutes = async () => (await shownOperationIds(page)).filter((id) => routeOperationIds.has(id));
    await expect.poll(shownRoutes).toHaveLength(new Set(expected).size);
    expect(new Set(await shownRoutes())).toEqual(new Set(expected));
    expect(expected.length).toBeLessThan(routes.length / 2);
    await page.close();
  });

  it('sends the bearer token entered under Authorize with "try it out", and keeps it across reloads', async () => {
    const { page } = await openDocs();
    await page.locator('.auth-wrapper .authorize').click();
    await page.locator('.auth-container input').fill(stack.token);
    await page.locator('.auth-btn-wrapper .authorize').click();
    await page.locator('.auth-btn-wrapper .btn-done').click();

    await page.locator('.opblock-summary:has(.opblock-summary-operation-id:text-is("getMe"))').click();
    const requestSent = page.waitForRequest((request) => new URL(request.url()).pathname === '/v1/me');
    await page.locator('.opblock.is-open .execute').click();
    const request = await requestSent;
    expect(await request.headerValue('authorization')).toBe(`Bearer ${stack.token}`);
    expect((await request.response())?.status()).toBe(200);
    await expect.poll(() => page.locator('.opblock.is-open .live-responses-table').innerText()).toContain(priya.email);

    await page.reload();
    await page.locator('.opblock').first().waitFor();
    await expect.poll(() => page.locator('.auth-wrapper .authorize').getAttribute('class')).toContain('locked');
    await page.close();
  });

  it('serves the page under a same-origin CSP and its files hashed, gzip-encoded and cached for a year', async () => {
    const response = await fetch(`${stack.runtime.apiUrl}/docs`);
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(response.headers.get('cache-control')).toBe('no-cache');
    const html = await response.text();
    const scripts = [...html.matchAll(/src="(docs\/[^"]+)"/g)].map((match) => match[1]!);
    expect(scripts).toHaveLength(2);
    for (const script of scripts) expect(script).toMatch(/^docs\/[a-z-]+\.[0-9a-f]{10}\.js$/);
    const asset = await fetch(`${stack.runtime.apiUrl}/${scripts[0]}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-encoding')).toBe('gzip');
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(asset.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect((await asset.text()).length).toBeGreaterThan(100_000); // fetch decodes gzip
    const missing = await fetch(`${stack.runtime.apiUrl}/docs/swagger-ui-bundle.0000000000.js`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toBe('application/problem+json');
  });
});
