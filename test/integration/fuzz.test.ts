import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Call, type TestApi } from '../support/api-client';
import { discoverIds, fuzz } from '../support/fuzz';
import { createBillingPeriod, createCommitment, createInvoice, createPayment, enablePayments, startFixtureApi, type PermissionFixture } from '../support/permission-fixtures';

/**
 * The whole OpenAPI, fuzzed (fast-check, driven by the served /openapi.json) as an administrator
 * and as an invoice contact, against DynamoDB Local: bad input of any shape is a 4xx, never a 5xx.
 */
let api: TestApi;
let fx: PermissionFixture;
let call: Call;

beforeAll(async () => {
  ({ api, fx, call } = await startFixtureApi());
  const commitment = await createCommitment(call, fx);
  await enablePayments(call, fx, commitment);
  await createPayment(call, fx, commitment);
  await createBillingPeriod(call, fx, { startDate: '2027-05-01', endDate: '2027-05-31', dueDate: '2027-05-25' });
  await createInvoice(call, fx, commitment);
});

afterAll(async () => {
  await api?.stop();
});

describe('fuzzing the OpenAPI', () => {
  it('300 generated requests as admin and as invoice contact: 0 server errors', async () => {
    const tokens = { admin: fx.users.admin.token, contact: fx.users['read_only+contact'].token };
    const known = await discoverIds(api.server.url, tokens.admin);
    expect(known.commitmentId?.length).toBeGreaterThan(0);
    const seed = Number(process.env.FUZZ_SEED ?? 20261204);
    const result = await fuzz({ baseUrl: api.server.url, tokens, known, seed, runs: Number(process.env.FUZZ_RUNS ?? 300) });
    console.info(`fuzz seed ${seed}: ${result.sent} requests, by status ${JSON.stringify(result.byStatus)}`);
    expect(result.sent).toBe(Number(process.env.FUZZ_RUNS ?? 300));
    expect(result.serverErrors.map((e) => `${e.status} ${e.method} ${e.path} ${JSON.stringify(e.body)} ${JSON.stringify(e.headers)} → ${e.response}`)).toEqual([]);
  }, 240_000);
});
