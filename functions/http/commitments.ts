import { randomUUID } from 'node:crypto';
import { httpRouter } from '../../shared/http/handler';
import { idempotencyKey } from '../../shared/http/idempotency';
import { HttpProblem, problems, type FieldError } from '../../shared/http/problem';
import { etagFor, requiredIfMatch } from '../../shared/http/etag';
import { isConditionalFailure } from '../../shared/db/conditions';
import { decodeCursor, encodeCursor } from '../../shared/http/cursor';
import { enforce, loadProjectAccess } from '../../shared/http/access';
import { createConversions } from 'electrodb';
import { canSee, type Action, type Membership } from '../../shared/domain/permissions';
import { batchGetAll, db } from '../../shared/db/service';
import { explainFailure, writeTransaction } from '../../shared/db/transaction';
import {
  commitmentSearchText,
  loadCommitment,
  normalizeCommitmentNumber,
  type CommitmentItem,
} from '../../shared/db/commitments';
import { toCommitmentResponse, type UpdateCommitmentBody } from '../../shared/api/commitments';
import { Commitment } from '../../shared/db/entities/commitment';

type Retainage = CommitmentItem['retainage'];
type AccountingMethod = CommitmentItem['accountingMethod'];

/** A list reads at most this many pages of the index per request, so a rare `q` stays cheap. */
const maxListReads = 3;
/** Items DynamoDB evaluates per read when a filter may drop some. */
const filteredReadSize = 100;

const commitmentCursors = createConversions(Commitment);

const locationOf = (item: CommitmentItem) => `/v1/projects/${item.projectId}/commitments/${item.commitmentId}`;
const unique = (ids: readonly string[]) => [...new Set(ids)];
const fieldError = (field: string, message: string): FieldError => ({ location: 'body', field, message });

/** Invisible and unknown commitments answer alike, so ids of private ones leak nothing. */
const noSuchCommitment = () => problems.notFound('No such commitment.');

async function visibleCommitment(projectId: string, commitmentId: string, member: Membership) {
  const commitment = await loadCommitment(projectId, commitmentId);
  if (!commitment || !canSee(member, 'commitments', commitment)) throw noSuchCommitment();
  return commitment;
}

const duplicateNumber = (number: string) =>
  new HttpProblem(409, 'conflict', 'Conflict', `Commitment number "${number}" is already used in this project.`, [
    fieldError('number', 'Already used by another commitment of this project (ignoring case and surrounding spaces)'),
  ]);

const linesExist = () =>
  problems.conflict('The accounting method cannot change once the schedule of values has lines; remove the lines first.');

const ssovNeedsAmounts = () =>
  problems.conflict('The subcontractor SOV is not available for unit-based commitments.');


async function vendorOfProject(projectId: string, vendorId: string) {
  const { data } = await db().ProjectVendor.get({ projectId, vendorId }).go();
  return data ?? undefined;
}


/**
 * Field errors for invoice contacts (users of the vendor company and members of the project)
 * and for the private list (members of the project), in two parallel BatchGets.
 */
async function participantErrors(
  projectId: string,
  vendorId: string,
  contacts: { ids: readonly string[]; field: string } | undefined,
  privateList: readonly string[] | undefined,
): Promise<FieldError[]> {
  const contactIds = contacts?.ids ?? [];
  const memberIds = unique([...contactIds, ...(privateList ?? [])]);
  if (memberIds.length === 0) return [];
  const { User, Member } = db();
  const [users, members] = await Promise.all([
    contactIds.length ? batchGetAll(unique(contactIds).map((userId) => ({ userId })), (keys) => User.get(keys).go()) : [],
    batchGetAll(memberIds.map((userId) => ({ projectId, userId })), (keys) => Member.get(keys).go()),
  ]);
  const companyOf = new Map(users.map((user) => [user.userId, user.companyId]));
  const isMember = new Set(members.map((member) => member.userId));
  const errors: FieldError[] = [];
  contactIds.forEach((userId, index) => {
    if (companyOf.get(userId) !== vendorId) errors.push(fieldError(`${contacts!.field}.${index}`, `${userId} is not a user of the commitment’s vendor`));
    else if (!isMember.has(userId)) errors.push(fieldError(`${contacts!.field}.${index}`, `${userId} is not a member of the project`));
  });
  privateList?.forEach((userId, index) => {
    if (!isMember.has(userId)) errors.push(fieldError(`privateUserIds.${index}`, `${userId} is not a member of the project`));
  });
  return errors;
}

/**
 * Unit-based commitments retain on completed work only (docs/domain.md): materials retainage
 * asked for explicitly is refused, inherited from defaults it is switched off.
 */
function retainageFor(method: AccountingMethod, retainage: Retainage, explicitMaterials: boolean | undefined): Retainage | FieldError {
  if (method !== 'unit' || !retainage.materialsEnabled) return retainage;
  if (explicitMaterials) return fieldError('retainage.materialsEnabled', 'Unit-based commitments have no stored materials, so no materials retainage');
  return { ...retainage, materialsEnabled: false };
}

const isFieldError = (value: unknown): value is FieldError => typeof value === 'object' && value !== null && 'location' in value;

/** Which policy actions a PATCH needs, by the fields it sends. */
function actionsFor(body: UpdateCommitmentBody): Action[] {
  const actions = new Set<Action>();
  for (const key of Object.keys(body) as Array<keyof UpdateCommitmentBody>) {
    if (key === 'invoiceContactIds') actions.add('commitments.add_contacts');
    else if (key === 'ssovEnabled') actions.add('ssov.enable');
    else if (key === 'paymentsIssuedEnabled') actions.add('payments.enable');
    else actions.add('commitments.edit');
  }
  return [...actions];
}

type PatchChain = ReturnType<ReturnType<ReturnType<typeof db>['Commitment']['patch']>['set']>;
type PatchCondition = Parameters<PatchChain['where']>[0];

const optionalFields = ['description', 'contractDate', 'startDate', 'estimatedCompletionDate', 'actualCompletionDate'] as const;

export const handler = httpRouter({
  createCommitment: async ({ path, body, caller }) => {
    const { project, member } = await loadProjectAccess(path.projectId, caller.userId);
    enforce(body.type === 'purchase_order' ? 'commitments.create_purchase_order' : 'commitments.create_subcontract', member);
    if (body.invoiceContactIds.length) enforce('commitments.add_contacts', member);

    const [vendor, participants] = await Promise.all([
      vendorOfProject(project.projectId, body.vendorId),
      participantErrors(project.projectId, body.vendorId, { ids: body.invoiceContactIds, field: 'invoiceContactIds' }, body.privateUserIds),
    ]);
    const errors: FieldError[] = [];
    if (!vendor) errors.push(fieldError('vendorId', 'Not a vendor of this project'));
    errors.push(...participants);
    const retainage = retainageFor(body.accountingMethod, body.retainage ?? project.retainage, body.retainage?.materialsEnabled);
    if (isFieldError(retainage)) errors.push(retainage);
    if (errors.length || !vendor || isFieldError(retainage)) throw problems.validation(errors);

    const now = new Date().toISOString();
    const commitmentId = randomUUID();
    const invoiceContactIds = unique(body.invoiceContactIds);
    // Contacts join the private list; a non-admin creator too, or a private commitment would vanish for them.
    const creatorOnList = body.private && member.commitments !== 'admin' ? [caller.userId] : [];
    const item: CommitmentItem = {
      projectId: project.projectId,
      commitmentId,
      type: body.type,
      number: body.number,
      title: body.title,
      vendorId: vendor.vendorId,
      vendorName: vendor.name,
      status: body.status,
      description: body.description,
      contractDate: body.contractDate,
      startDate: body.startDate,
      estimatedCompletionDate: body.estimatedCompletionDate,
      actualCompletionDate: body.actualCompletionDate,
      accountingMethod: body.accountingMethod,
      retainage,
      private: body.private,
      privateUserIds: unique([...body.privateUserIds, ...invoiceContactIds, ...creatorOnList]),
      invoiceContactIds,
      ssovEnabled: false,
      paymentsIssuedEnabled: false,
      lineCount: 0,
      originalContractSumCents: 0,
      approvedChangeOrdersCents: 0,
      searchText: commitmentSearchText({ number: body.number, title: body.title, vendorName: vendor.name }),
      version: 1,
      createdBy: caller.userId,
      createdAt: now,
      updatedAt: now,
    };
    // One transaction: the number is claimed, the commitment and its empty SOV exist, or nothing does.
    const outcome = await writeTransaction(({ Commitment, CommitmentNumber, Sov }) => ({
      commitment: Commitment.create(item).commit(),
      number: CommitmentNumber.create({ projectId: item.projectId, normalizedNumber: normalizeCommitmentNumber(item.number), commitmentId }).commit(),
      sov: Sov.create({ projectId: item.projectId, commitmentId, lines: [], version: 1, updatedAt: now }).commit(),
    }));
    if (outcome.canceled) throw await explainFailure(outcome, { number: () => duplicateNumber(item.number) }, () => problems.busy('commitment'));
    return {
      status: 201,
      body: toCommitmentResponse(item),
      headers: { location: locationOf(item), etag: etagFor(item.version) },
    };
  },

  listCommitments: async ({ path, query, caller }) => {
    const { member } = await loadProjectAccess(path.projectId, caller.userId);
    enforce('commitments.view', member);
    const scope = `commitments:${path.projectId}`;
    let cursor = decodeCursor(scope, query.cursor);
    const seesAll = member.commitments === 'admin';
    const needle = query.q?.toLowerCase();
    const filtered = Boolean(needle || query.type || query.status || !seesAll);

    const { Commitment } = db();
    // Filters run server-side so a page is full whenever enough rows match within the reads.
    const search = () => {
      const byNumber = Commitment.query.byNumber({ projectId: path.projectId });
      if (!filtered) return byNumber;
      return byNumber.where((attr, op) =>
        [
          needle ? op.contains(attr.searchText, needle) : '',
          query.type ? op.eq(attr.type, query.type) : '',
          query.status ? op.eq(attr.status, query.status) : '',
          seesAll ? '' : `(${op.eq(attr.private, false)} OR ${op.contains(attr.privateUserIds, member.userId)})`,
        ]
          .filter(Boolean)
          .join(' AND '),
      );
    };

    // Reading one row more than the page tells whether another page exists.
    const readSize = filtered ? Math.max(query.limit + 1, filteredReadSize) : query.limit + 1;
    const items: CommitmentItem[] = [];
    let next: string | null = null;
    for (let reads = 0; reads < maxListReads; reads++) {
      const page = await search().go({ cursor, limit: readSize });
      const room = query.limit - items.length;
      if (page.data.length > room) {
        items.push(...page.data.slice(0, room));
        next = commitmentCursors.byAccessPattern.byNumber.fromComposite.toCursor(items.at(-1)!);
        break;
      }
      items.push(...page.data);
      next = cursor = page.cursor;
      if (!cursor || items.length === query.limit) break;
    }
    return {
      body: {
        // The filter already hides what the caller cannot see; canSee is the policy's word on it.
        items: items.filter((item) => canSee(member, 'commitments', item)).map(toCommitmentResponse),
        nextCursor: encodeCursor(scope, next),
      },
    };
  },

  getCommitment: async ({ path, caller }) => {
    const { member } = await loadProjectAccess(path.projectId, caller.userId);
    const commitment = await visibleCommitment(path.projectId, path.commitmentId, member);
    enforce('commitments.view', member, commitment);
    return { body: toCommitmentResponse(commitment), headers: { etag: etagFor(commitment.version) } };
  },

  updateCommitment: async ({ path, body, caller, headers }) => {
    const { member } = await loadProjectAccess(path.projectId, caller.userId);
    const current = await visibleCommitment(path.projectId, path.commitmentId, member);
    for (const action of actionsFor(body)) enforce(action, member, current);
    const expectedVersion = requiredIfMatch(headers, current.version);
    if (current.version !== expectedVersion) {
      throw problems.preconditionFailed(`The commitment changed since you read it (now ${etagFor(current.version)}); read it again.`);
    }

    const errors: FieldError[] = [];
    const vendorChanges = body.vendorId !== undefined && body.vendorId !== current.vendorId;
    const vendor = vendorChanges ? await vendorOfProject(current.projectId, body.vendorId!) : undefined;
    if (vendorChanges && !vendor) errors.push(fieldError('vendorId', 'Not a vendor of this project'));
    const vendorId = vendor?.vendorId ?? current.vendorId;
    const vendorName = vendor?.name ?? current.vendorName;

    const method = body.accountingMethod ?? current.accountingMethod;
    const methodChanges = method !== current.accountingMethod;
    if (methodChanges && current.lineCount > 0) throw linesExist();
    const ssovEnabled = body.ssovEnabled ?? current.ssovEnabled;
    if (method === 'unit' && ssovEnabled) {
      throw body.ssovEnabled ? ssovNeedsAmounts() : problems.conflict('Disable the subcontractor SOV before switching to unit-based accounting.');
    }
    const retainage = retainageFor(method, { ...current.retainage, ...body.retainage }, body.retainage?.materialsEnabled);
    if (isFieldError(retainage)) errors.push(retainage);

    const invoiceContactIds = unique(body.invoiceContactIds ?? current.invoiceContactIds);
    // Contacts are checked when they are sent, or when the vendor they must belong to changes.
    const checkContacts = body.invoiceContactIds !== undefined || vendorChanges;
    if (vendor || !vendorChanges) {
      const participants = await participantErrors(
        current.projectId,
        vendorId,
        checkContacts ? { ids: body.invoiceContactIds ?? invoiceContactIds, field: 'invoiceContactIds' } : undefined,
        body.privateUserIds,
      );
      if (body.invoiceContactIds === undefined && participants.some((e) => e.field.startsWith('invoiceContactIds'))) {
        errors.push(fieldError('invoiceContactIds', 'The current invoice contacts are not users of the new vendor; send invoiceContactIds for it'));
        errors.push(...participants.filter((e) => !e.field.startsWith('invoiceContactIds')));
      } else errors.push(...participants);
    }
    if (errors.length || isFieldError(retainage)) throw problems.validation(errors);

    const number = body.number ?? current.number;
    const title = body.title ?? current.title;
    const set = {
      number,
      title,
      vendorId,
      vendorName,
      status: body.status ?? current.status,
      accountingMethod: method,
      retainage,
      private: body.private ?? current.private,
      privateUserIds: unique([...(body.privateUserIds ?? current.privateUserIds), ...invoiceContactIds]),
      invoiceContactIds,
      ssovEnabled,
      paymentsIssuedEnabled: body.paymentsIssuedEnabled ?? current.paymentsIssuedEnabled,
      searchText: commitmentSearchText({ number, title, vendorName }),
      updatedAt: new Date().toISOString(),
      ...Object.fromEntries(optionalFields.flatMap((field) => (typeof body[field] === 'string' ? [[field, body[field]]] : []))),
    };
    const remove = optionalFields.filter((field) => body[field] === null);

    const key = { projectId: current.projectId, commitmentId: current.commitmentId };
    // The method may only change while the SOV is empty, whoever adds lines meanwhile.
    const condition: PatchCondition = (attr, op) =>
      methodChanges ? `${op.eq(attr.version, expectedVersion)} AND ${op.eq(attr.lineCount, 0)}` : op.eq(attr.version, expectedVersion);
    /** Why the conditional write failed, from the item as it is now. */
    const refusal = async () => {
      const now = await loadCommitment(current.projectId, current.commitmentId, { consistent: true });
      if (!now) return noSuchCommitment();
      if (now.version === expectedVersion && methodChanges && now.lineCount > 0) return linesExist();
      return problems.preconditionFailed(`The commitment changed since you read it (now ${etagFor(now.version)}); read it again.`);
    };

    const oldKey = normalizeCommitmentNumber(current.number);
    const newKey = normalizeCommitmentNumber(number);
    let updated: CommitmentItem;
    if (oldKey === newKey) {
      try {
        const update = db().Commitment.patch(key).set(set).add({ version: 1 });
        const { data } = await (remove.length ? update.remove(remove) : update).where(condition).go({ response: 'all_new' });
        updated = data as CommitmentItem;
      } catch (error) {
        if (!isConditionalFailure(error)) throw error;
        throw await refusal();
      }
    } else {
      // A new number is claimed and the old one released with the edit, or none of it happens.
      const outcome = await writeTransaction(({ Commitment, CommitmentNumber }) => ({
        commitment: (remove.length ? Commitment.patch(key).set(set).add({ version: 1 }).remove(remove) : Commitment.patch(key).set(set).add({ version: 1 }))
          .where(condition)
          .commit(),
        oldNumber: CommitmentNumber.delete({ projectId: current.projectId, normalizedNumber: oldKey }).commit(),
        newNumber: CommitmentNumber.create({ projectId: current.projectId, normalizedNumber: newKey, commitmentId: current.commitmentId }).commit(),
      }));
      if (outcome.canceled) throw await explainFailure(outcome, { commitment: refusal, newNumber: () => duplicateNumber(number) }, () => problems.busy('commitment'));
      const reloaded = await loadCommitment(current.projectId, current.commitmentId, { consistent: true });
      if (!reloaded) throw noSuchCommitment();
      updated = reloaded;
    }
    return { body: toCommitmentResponse(updated), headers: { etag: etagFor(updated.version) } };
  },
}, { idempotency: idempotencyKey });
