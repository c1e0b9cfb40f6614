import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { localUserId } from '../../infra/local/auth';
import { db } from '../../shared/db/service';
import { defaultProjectSettings } from '../../shared/domain/project-settings';
import type { GranularPermission, ToolLevel } from '../../shared/domain/permissions';
import { client, expectProblem, expectStatus, ifMatch, startTestApi, type ApiRequest, type ApiResponse, type Call, type Json, type TestApi } from '../support/api-client';

/**
 * The subcontractor SOV through the local API Gateway against DynamoDB Local: the contact's
 * breakdown, exact allocation on submit, the review loop, permissions and concurrency.
 * Projects, members, commitments and SOVs are seeded with the entities directly.
 */
let api: TestApi;
let call: Call;

const now = new Date().toISOString();
const projectId = `p-${randomUUID()}`;
const otherProjectId = `p-${randomUUID()}`;

interface Person {
  email: string;
  userId: string;
  token: string;
}
const people: Record<string, Person> = {};

async function person(key: string, projects: Array<{ projectId: string; level: ToolLevel; granular?: GranularPermission[] }>) {
  const email = `${key}-${randomUUID().slice(0, 6)}@example.com`;
  const userId = localUserId(email);
  for (const p of projects) {
    await db()
      .Member.create({
        projectId: p.projectId,
        userId,
        commitments: p.level,
        headContracts: 'none',
        ...(p.granular?.length ? { granular: p.granular } : {}),
        createdAt: now,
      })
      .go();
  }
  people[key] = { email, userId, token: await api.idp.signToken({ sub: userId, email, name: key }) };
}

async function project(id: string, companyId: string) {
  const settings = defaultProjectSettings('en-US');
  await db()
    .Project.create({ projectId: id, companyId, name: 'Harbour Tower', number: 'HT-1', timeZone: 'America/New_York', ...settings, createdBy: 'seed', createdAt: now })
    .go();
}

/** An amount-based commitment with two SOV lines (1,000.00 and 1,543.13) unless told otherwise. */
async function commitment(options: {
  ssovEnabled?: boolean;
  accountingMethod?: 'amount' | 'unit';
  contacts?: string[];
  private?: boolean;
} = {}) {
  const commitmentId = `c-${randomUUID()}`;
  const contactIds = (options.contacts ?? ['contact']).map((key) => people[key]!.userId);
  const unit = options.accountingMethod === 'unit';
  await db()
    .Commitment.create({
      projectId,
      commitmentId,
      type: 'subcontract',
      number: `SC-${commitmentId.slice(2, 8)}`,
      title: 'Interior framing and drywall',
      vendorId: 'v-1',
      vendorName: 'Acme Drywall',
      status: 'approved',
      accountingMethod: options.accountingMethod ?? 'amount',
      retainage: { workPercent: '10', workEnabled: true, materialsPercent: '0', materialsEnabled: false },
      private: options.private ?? false,
      privateUserIds: contactIds,
      invoiceContactIds: contactIds,
      ssovEnabled: options.ssovEnabled ?? true,
      paymentsIssuedEnabled: false,
      lineCount: 2,
      originalContractSumCents: 254_313,
      approvedChangeOrdersCents: 0,
      searchText: 'sc interior acme',
      version: 1,
      createdBy: 'seed',
      createdAt: now,
      updatedAt: now,
    })
    .go();
  await db()
    .Sov.create({
      projectId,
      commitmentId,
      lines: unit
        ? [{ lineId: 'L1', description: 'Studs', scheduledValueCents: 154_313, quantity: '12.5', unitOfMeasure: 'ea', unitPrice: '123.45' }]
        : [
            { lineId: 'L1', costCode: '09-100', description: 'Framing', scheduledValueCents: 100_000 },
            { lineId: 'L2', costCode: '09-200', description: 'Drywall', scheduledValueCents: 154_313 },
          ],
      version: 1,
      updatedAt: now,
    })
    .go();
  return commitmentId;
}

beforeAll(async () => {
  api = await startTestApi();
  call = client(api);
  await project(projectId, 'company-a');
  await project(otherProjectId, 'company-b');
  await person('admin', [{ projectId, level: 'admin' }]);
  await person('contact', [{ projectId, level: 'read_only' }]);
  await person('standardContact', [{ projectId, level: 'standard' }]);
  await person('reader', [{ projectId, level: 'read_only' }]);
  await person('creator', [{ projectId, level: 'standard', granular: ['create_purchase_order_contract', 'create_work_order_contract'] }]);
  await person('halfCreator', [{ projectId, level: 'read_only', granular: ['create_work_order_contract'] }]);
  await person('outsider', [{ projectId: otherProjectId, level: 'admin' }]);
});

afterAll(async () => {
  await api?.stop();
});

const ssovPath = (commitmentId: string, pid = projectId) => `/v1/projects/${pid}/commitments/${commitmentId}/ssov`;

const as = (who: string, request: ApiRequest) => call(people[who]!.token, request);
const get = (commitmentId: string, who = 'contact') => as(who, { method: 'GET', path: ssovPath(commitmentId) });
const put = (commitmentId: string, who: string, lines: unknown[], etag?: string) =>
  as(who, { method: 'PUT', path: ssovPath(commitmentId), body: { lines }, headers: ifMatch(etag) });
const setStatus = (commitmentId: string, who: string, body: unknown, etag?: string) =>
  as(who, { method: 'POST', path: `${ssovPath(commitmentId)}/status`, body, headers: ifMatch(etag) });

const ok = (response: ApiResponse): Json => expectStatus(response, 200, 'SSOV').body;

const etag = async (commitmentId: string) => (await get(commitmentId, 'admin')).headers.get('etag')!;
const storedStatus = async (commitmentId: string) => (await db().Commitment.get({ projectId, commitmentId }).go()).data?.ssovStatus;

/** Exactly allocated: 1,000.00 = 333.33 + 333.33 + 333.34; 1,543.13 in one sub-line. */
const fullLines = [
  { parentLineId: 'L1', description: 'Wall framing', amountCents: 33_333 },
  { parentLineId: 'L1', description: 'Ceiling framing', amountCents: 33_333 },
  { parentLineId: 'L1', description: 'Bulkheads', amountCents: 33_334 },
  { parentLineId: 'L2', description: 'Board and finish', amountCents: 154_313 },
];

describe('the contact’s breakdown, submission and review', () => {
  let commitmentId: string;
  beforeAll(async () => {
    commitmentId = await commitment();
  });

  it('an SSOV never saved is a draft without lines, ETag "0", everything remaining', async () => {
    const response = await get(commitmentId);
    expect(response.headers.get('etag')).toBe('"0"');
    expect(ok(response)).toMatchObject({
      status: 'draft',
      lines: [],
      version: 0,
      fullyAllocated: false,
      parentLines: [
        { parentLineId: 'L1', costCode: '09-100', description: 'Framing', scheduledValueCents: 100_000, allocatedCents: 0, remainingCents: 100_000 },
        { parentLineId: 'L2', costCode: '09-200', description: 'Drywall', scheduledValueCents: 154_313, allocatedCents: 0, remainingCents: 154_313 },
      ],
      totals: { scheduledValueCents: 254_313, allocatedCents: 0, remainingCents: 254_313 },
    });
  });

  it('a contact (read_only + designation) saves a partial draft; the commitment records its status', async () => {
    const response = await put(commitmentId, 'contact', fullLines.slice(0, 2), '"0"');
    expect(response.headers.get('etag')).toBe('"1"');
    const body = ok(response);
    expect(body.status).toBe('draft');
    expect(body.lines).toHaveLength(2);
    expect(body.lines[0]).toMatchObject({ parentLineId: 'L1', description: 'Wall framing', amountCents: 33_333, orphaned: false });
    expect(body.lines[0].subLineId).toEqual(expect.any(String));
    expect(body.parentLines[0]).toMatchObject({ allocatedCents: 66_666, remainingCents: 33_334 });
    expect(await storedStatus(commitmentId)).toBe('draft');
    const stored = (await db().Commitment.get({ projectId, commitmentId }).go()).data!;
    expect(stored.version).toBe(1);
  });

  it('submitting with 0.01 unallocated is refused, listing the line and its 1 cent', async () => {
    const lines = [...fullLines.slice(0, 3), { parentLineId: 'L2', description: 'Board and finish', amountCents: 154_312 }];
    ok(await put(commitmentId, 'contact', lines, '"1"'));
    const body = expectProblem(await setStatus(commitmentId, 'contact', { status: 'under_review' }), 409, 'ssov-not-allocated');
    expect(body.errors).toEqual([
      { location: 'body', field: 'parentLines.1.remainingCents', message: expect.stringMatching(/L2 “Drywall”: 0\.01 remaining to allocate/) },
    ]);
    const current = ok(await get(commitmentId));
    expect(current.status).toBe('draft');
    expect(current.parentLines[1].remainingCents).toBe(1);
  });

  it('fully allocated, the contact submits: under review, recorded who and when', async () => {
    const saved = ok(await put(commitmentId, 'contact', fullLines, await etag(commitmentId)));
    expect(saved.fullyAllocated).toBe(true);
    expect(saved.parentLines.map((p: Json) => p.remainingCents)).toEqual([0, 0]);
    const response = await setStatus(commitmentId, 'contact', { status: 'under_review' });
    const body = ok(response);
    expect(body).toMatchObject({ status: 'under_review', submittedBy: people.contact!.userId, version: saved.version + 1 });
    expect(response.headers.get('etag')).toBe(`"${saved.version + 1}"`);
    expect(await storedStatus(commitmentId)).toBe('under_review');
  });

  it('while under review it cannot be edited (409), and only an admin reviews it (403 for the contact)', async () => {
    const body = expectProblem(await put(commitmentId, 'contact', fullLines, await etag(commitmentId)), 409, 'conflict');
    expect(body.detail).toMatch(/under review/);
    const refused = expectProblem(await setStatus(commitmentId, 'contact', { status: 'approved' }), 403, 'forbidden');
    expect(refused.detail).toMatch(/review a subcontractor SOV.*admin/);
  });

  it('the admin sends it back with a comment (a comment is required), the contact edits and resubmits', async () => {
    const missing = expectProblem(await setStatus(commitmentId, 'admin', { status: 'revise_and_resubmit' }), 400, 'validation');
    expect(missing.errors).toEqual([expect.objectContaining({ location: 'body', field: 'comment' })]);

    const sentBack = ok(await setStatus(commitmentId, 'admin', { status: 'revise_and_resubmit', comment: 'Split drywall into board and taping' }));
    expect(sentBack).toMatchObject({ status: 'revise_and_resubmit', reviewComment: 'Split drywall into board and taping', reviewedBy: people.admin!.userId });
    expect(await storedStatus(commitmentId)).toBe('revise_and_resubmit');

    const current = ok(await get(commitmentId));
    const keep = current.lines.slice(0, 3).map(({ orphaned: _o, ...line }: Json) => line);
    const edited = ok(
      await put(
        commitmentId,
        'contact',
        [...keep, { parentLineId: 'L2', description: 'Board', amountCents: 100_000 }, { parentLineId: 'L2', description: 'Taping', amountCents: 54_313 }],
        `"${current.version}"`,
      ),
    );
    expect(edited.status).toBe('revise_and_resubmit');
    expect(edited.lines.slice(0, 3).map((l: Json) => l.subLineId)).toEqual(keep.map((l: Json) => l.subLineId));
    expect(edited.reviewComment).toBe('Split drywall into board and taping');

    const resubmitted = ok(await setStatus(commitmentId, 'contact', { status: 'under_review' }));
    expect(resubmitted.status).toBe('under_review');
    expect(await storedStatus(commitmentId)).toBe('under_review');
  });

  it('the admin approves; approved it cannot be edited nor approved again', async () => {
    const approved = ok(await setStatus(commitmentId, 'admin', { status: 'approved' }));
    expect(approved).toMatchObject({ status: 'approved', reviewedBy: people.admin!.userId, fullyAllocated: true });
    expect(approved.reviewComment).toBeUndefined();
    expect(await storedStatus(commitmentId)).toBe('approved');

    expectProblem(await put(commitmentId, 'contact', fullLines, await etag(commitmentId)), 409, 'conflict');
    const again = expectProblem(await setStatus(commitmentId, 'admin', { status: 'approved' }), 409, 'conflict');
    expect(again.detail).toMatch(/approved; it can become approved only from under review/);
    expectProblem(await setStatus(commitmentId, 'contact', { status: 'under_review' }), 409, 'conflict');
  });

  it('when the SOV changes after approval, the allocation shows the new remaining amounts and orphaned sub-lines', async () => {
    await db()
      .Sov.patch({ projectId, commitmentId })
      .set({
        lines: [
          { lineId: 'L1', costCode: '09-100', description: 'Framing', scheduledValueCents: 112_550 },
          { lineId: 'L3', description: 'Ceilings (CO 1)', scheduledValueCents: 20_000 },
        ],
        version: 2,
      })
      .go();
    const body = ok(await get(commitmentId));
    expect(body.status).toBe('approved');
    expect(body.fullyAllocated).toBe(false);
    // The administrator reopens it so the contact can allocate the changed SOV.
    const reopened = ok(await setStatus(commitmentId, 'admin', { status: 'revise_and_resubmit', comment: 'SOV changed by CO 1' }));
    expect(reopened.status).toBe('revise_and_resubmit');
    expect(body.parentLines).toEqual([
      expect.objectContaining({ parentLineId: 'L1', scheduledValueCents: 112_550, allocatedCents: 100_000, remainingCents: 12_550 }),
      expect.objectContaining({ parentLineId: 'L3', scheduledValueCents: 20_000, allocatedCents: 0, remainingCents: 20_000 }),
    ]);
    expect(body.lines.filter((l: Json) => l.orphaned).map((l: Json) => l.description)).toEqual(['Board', 'Taping']);
  });
});

describe('who may edit', () => {
  it('a read_only member who is not a contact may read but not save: 403 naming the designation', async () => {
    const commitmentId = await commitment();
    ok(await get(commitmentId, 'reader'));
    const body = expectProblem(await put(commitmentId, 'reader', fullLines, '"0"'), 403, 'forbidden');
    expect(body.detail).toMatch(/invoice contact designation/);
    const submit = expectProblem(await setStatus(commitmentId, 'reader', { status: 'under_review' }), 403, 'forbidden');
    expect(submit.detail).toMatch(/invoice contact designation/);
  });

  it('a standard non-contact with both create_* granular permissions can save and submit', async () => {
    const commitmentId = await commitment();
    ok(await put(commitmentId, 'creator', fullLines, '"0"'));
    expect((ok(await setStatus(commitmentId, 'creator', { status: 'under_review' }))).status).toBe('under_review');
  });

  it('one create_* permission is not enough', async () => {
    const commitmentId = await commitment();
    expectProblem(await put(commitmentId, 'halfCreator', fullLines, '"0"'), 403, 'forbidden');
  });

  it('a standard contact and an admin can save', async () => {
    const commitmentId = await commitment({ contacts: ['standardContact'] });
    ok(await put(commitmentId, 'standardContact', fullLines, '"0"'));
    ok(await put(commitmentId, 'admin', fullLines.slice(0, 1), '"1"'));
    expectProblem(await put(commitmentId, 'contact', fullLines, '"2"'), 403, 'forbidden');
  });

  it('a private commitment the reader is not on does not exist for them (404)', async () => {
    const commitmentId = await commitment({ private: true });
    expectProblem(await get(commitmentId, 'reader'), 404, 'not-found');
    expectProblem(await put(commitmentId, 'reader', fullLines, '"0"'), 404, 'not-found');
    ok(await get(commitmentId, 'contact'));
  });

  it('a member of another company gets 404 for every SSOV route', async () => {
    const commitmentId = await commitment();
    expectProblem(await get(commitmentId, 'outsider'), 404, 'not-found');
    expectProblem(await put(commitmentId, 'outsider', fullLines, '"0"'), 404, 'not-found');
    expectProblem(await setStatus(commitmentId, 'outsider', { status: 'approved' }), 404, 'not-found');
    // Nor through their own project's path with this commitment's id.
    expectProblem(await as('outsider', { method: 'GET', path: ssovPath(commitmentId, otherProjectId) }), 404, 'not-found');
  });
});

describe('when there is no SSOV to have', () => {
  it('SSOV not enabled on the commitment: 409 with a clear detail', async () => {
    const commitmentId = await commitment({ ssovEnabled: false });
    const body = expectProblem(await put(commitmentId, 'contact', fullLines, '"0"'), 409, 'conflict');
    expect(body.detail).toMatch(/not enabled on commitment/);
    expectProblem(await get(commitmentId), 409, 'conflict');
    expectProblem(await setStatus(commitmentId, 'contact', { status: 'under_review' }), 409, 'conflict');
  });

  it('unit-based commitment: 409', async () => {
    const commitmentId = await commitment({ accountingMethod: 'unit' });
    const body = expectProblem(await put(commitmentId, 'contact', [{ parentLineId: 'L1', description: 'x', amountCents: 154_313 }], '"0"'), 409, 'conflict');
    expect(body.detail).toMatch(/unit-based/);
    expectProblem(await get(commitmentId), 409, 'conflict');
  });

  it('an unknown commitment: 404', async () => {
    expectProblem(await get('c-nope'), 404, 'not-found');
  });
});

describe('input and concurrency', () => {
  it('a parent that is not an SOV line is a 400 naming lines.N.parentLineId; a negative amount too', async () => {
    const commitmentId = await commitment();
    const body = expectProblem(
      await put(commitmentId, 'contact', [fullLines[0], { parentLineId: 'L9', description: 'x', amountCents: 1 }], '"0"'),
      400,
      'validation',
    );
    expect(body.errors).toEqual([expect.objectContaining({ location: 'body', field: 'lines.1.parentLineId' })]);
    const negative = expectProblem(await put(commitmentId, 'contact', [{ parentLineId: 'L1', description: 'x', amountCents: -1 }], '"0"'), 400, 'validation');
    expect(negative.errors).toEqual([expect.objectContaining({ field: 'lines.0.amountCents' })]);
    expect((ok(await get(commitmentId))).version).toBe(0);
  });

  it('missing If-Match is 428, a stale one 412', async () => {
    const commitmentId = await commitment();
    expectProblem(await put(commitmentId, 'contact', fullLines), 428, 'precondition-required');
    expectProblem(await put(commitmentId, 'contact', fullLines, '"3"'), 412, 'precondition-failed');
    ok(await put(commitmentId, 'contact', fullLines, '"0"'));
    expectProblem(await put(commitmentId, 'contact', fullLines, '"0"'), 412, 'precondition-failed');
    expectProblem(await setStatus(commitmentId, 'contact', { status: 'under_review' }, '"7"'), 412, 'precondition-failed');
  });

  it('an SSOV whose SOV changed while under review cannot be approved until it adds up again', async () => {
    const commitmentId = await commitment();
    ok(await put(commitmentId, 'contact', fullLines, '"0"'));
    ok(await setStatus(commitmentId, 'contact', { status: 'under_review' }));
    await db()
      .Sov.patch({ projectId, commitmentId })
      .set({ lines: [{ lineId: 'L1', description: 'Framing', scheduledValueCents: 100_001 }], version: 2 })
      .go();
    const body = expectProblem(await setStatus(commitmentId, 'admin', { status: 'approved' }), 409, 'ssov-not-allocated');
    expect(body.errors.map((e: Json) => e.field)).toEqual(['parentLines.0.remainingCents', 'lines.3.parentLineId']);
    expect(body.errors[0].message).toMatch(/0\.01 remaining/);
    ok(await setStatus(commitmentId, 'admin', { status: 'revise_and_resubmit', comment: 'The SOV changed' }));
  });

  it('a save checked against an SOV that moved on before the write is refused (409), not saved', async () => {
    const commitmentId = await commitment();
    const stale = (await db().Sov.get({ projectId, commitmentId }).go()).data!;
    await db().Sov.patch({ projectId, commitmentId }).set({ version: 2 }).go();
    // The handler reads the SOV as it was (version 1), as if the change landed between its read and its write.
    const sovGet = vi.spyOn(db().Sov, 'get').mockReturnValueOnce({ go: async () => ({ data: stale }) } as never);
    const body = expectProblem(await put(commitmentId, 'contact', fullLines, '"0"'), 409, 'conflict');
    expect(sovGet).toHaveBeenCalledOnce();
    sovGet.mockRestore();
    expect(body.detail).toMatch(/SOV changed meanwhile/);
    expect((ok(await get(commitmentId))).version).toBe(0);
    expect(await storedStatus(commitmentId)).toBeUndefined();
  });

  it('two concurrent saves with the same ETag: exactly one wins, the other gets 412', async () => {
    for (const start of ['"0"', '"1"']) {
      const commitmentId = await commitment();
      if (start === '"1"') ok(await put(commitmentId, 'contact', [], '"0"'));
      const responses = await Promise.all([
        put(commitmentId, 'contact', fullLines.slice(0, 1), start),
        put(commitmentId, 'admin', fullLines.slice(0, 2), start),
      ]);
      expect(responses.map((r) => r.status).sort()).toEqual([200, 412]);
      const winner: Json = responses.find((r) => r.status === 200)!.body;
      const current = ok(await get(commitmentId));
      expect(current.version).toBe(winner.version);
      expect(current.lines).toHaveLength(winner.lines.length);
    }
  });
});
