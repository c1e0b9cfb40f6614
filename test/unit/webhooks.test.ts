import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { blockedAddressReason, nextAttemptAt, signingSecrets, webhookEventTypes, webhookUrlRefusal } from '../../shared/domain/webhooks';
import { detailSchemas, domainEvents } from '../../events/contracts';
import { openApiDocument } from '../../shared/http/openapi';
import { newWebhookSecret, webhookSignature } from '../../shared/webhooks/signature';

describe('addresses a webhook may not reach in AWS', () => {
  it.each([
    '127.0.0.1',
    '127.255.0.9',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '100.127.255.255',
    '0.0.0.0',
    '::1',
    '::',
    'fc00::1',
    'fd12:3456::1',
    'fe80::1',
    'fe80::1%eth0',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:169.254.169.254',
    '::ffff:a9fe:a9fe',
    '::127.0.0.1',
  ])('refuses %s', (address) => {
    expect(blockedAddressReason(address)).toEqual(expect.any(String));
  });

  it.each(['8.8.8.8', '172.32.0.1', '172.15.255.255', '100.128.0.1', '192.169.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8', '2001:db8::1'])('allows %s', (address) => {
    expect(blockedAddressReason(address)).toBeUndefined();
  });

  it('refuses what is not an address', () => {
    expect(blockedAddressReason('999.1.1.1')).toMatch(/not an IP/);
    expect(blockedAddressReason('1::2::3')).toMatch(/not an IP/);
  });
});

describe('webhook URLs', () => {
  it('https only in AWS; http (loopback receivers) allowed locally; never credentials', () => {
    expect(webhookUrlRefusal('https://erp.example.com/hook', false)).toBeUndefined();
    expect(webhookUrlRefusal('http://erp.example.com/hook', false)).toMatch(/https/);
    expect(webhookUrlRefusal('http://127.0.0.1:9000/hook', true)).toBeUndefined();
    expect(webhookUrlRefusal('ftp://example.com', true)).toMatch(/http/);
    expect(webhookUrlRefusal('https://user:pw@example.com', false)).toMatch(/credentials/);
    expect(webhookUrlRefusal('not a url', false)).toMatch(/Not a URL/);
  });
});

describe('retries', () => {
  it('back off exponentially (30 s doubling, at most an hour apart) and stop 24 hours after the first attempt', () => {
    const start = 1_000_000;
    let last = start;
    const gaps: number[] = [];
    for (let attempts = 1; ; attempts++) {
      const next = nextAttemptAt(attempts, start, last);
      if (next === undefined) break;
      gaps.push((next - last) / 1000);
      last = next;
    }
    expect(gaps.slice(0, 8)).toEqual([30, 60, 120, 240, 480, 960, 1920, 3600]);
    expect(Math.max(...gaps)).toBe(3600);
    expect(last - start).toBeLessThanOrEqual(24 * 3_600_000);
    expect(last - start).toBeGreaterThan(23 * 3_600_000);
  });
});

describe('signatures', () => {
  it('are Standard Webhooks v1 signatures: the reference library verifies them, with either secret during a rotation', () => {
    const [current, previous] = [newWebhookSecret(), newWebhookSecret()];
    const now = Date.now();
    const secrets = signingSecrets({ secret: current, previousSecret: previous, previousSecretUntil: new Date(now + 1000).toISOString() }, now);
    expect(secrets).toEqual([current, previous]);
    const timestamp = Math.floor(now / 1000);
    const body = JSON.stringify({ type: 'invoice.status-changed', data: { amount: 1234 } });
    const headers = { 'webhook-id': 'msg_1', 'webhook-timestamp': String(timestamp), 'webhook-signature': webhookSignature(secrets, 'msg_1', timestamp, body) };
    expect(new Webhook(current).verify(body, headers)).toEqual(JSON.parse(body));
    expect(new Webhook(previous).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(newWebhookSecret()).verify(body, headers)).toThrow();
    expect(() => new Webhook(current).verify(`${body} `, headers)).toThrow();
    // Once the overlap ended, only the current secret signs.
    expect(signingSecrets({ secret: current, previousSecret: previous, previousSecretUntil: new Date(now - 1).toISOString() }, now)).toEqual([current]);
  });
});

describe('the domain event list: one record read by the endpoints, the OpenAPI document and the README', () => {
  it('every event type has a payload contract, is subscribable, is documented under `webhooks`, and is in the README table', () => {
    const types = Object.keys(domainEvents);
    expect(webhookEventTypes).toEqual(types);
    for (const type of types) expect(detailSchemas[type as keyof typeof detailSchemas], type).toBeDefined();
    const document = openApiDocument() as { webhooks?: Record<string, unknown>; components?: { schemas?: Record<string, { properties?: Record<string, unknown> }> } };
    expect(Object.keys(document.webhooks ?? {})).toEqual(types);
    const eventTypes = document.components!.schemas!.CreateWebhookEndpoint!.properties!.eventTypes as { items: { enum: string[] } };
    expect(eventTypes.items.enum).toEqual(types);
    const readme = fs.readFileSync(path.join(__dirname, '../../README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### Webhooks'));
    for (const type of types) expect(section, type).toContain(`| \`${type}\` |`);
  });

  it('internal records never reach a webhook', () => {
    for (const internal of ['email.requested', 'backup.requested', 'billing-cycle.due', 'tasks.resync', 'webhook.deliveries-due']) {
      expect(webhookEventTypes as readonly string[]).not.toContain(internal);
    }
  });
});
