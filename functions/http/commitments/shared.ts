/** What the commitment operations share: lookups, the participant and retainage checks, and their problems. */
import { createConversions } from '../../../shared/db/electrodb';
import { HttpProblem, problems, type FieldError } from '../../../shared/http/problem';
import { canSee, type ActionRule, type Membership } from '../../../shared/domain/permissions';
import { batchGetAll, entitiesOf } from '../../../shared/db/service';
import { loadCommitment, type CommitmentItem } from '../../../shared/db/commitments';
import type { UpdateCommitmentBody } from '../../../shared/api/commitments';
import { Commitment } from '../../../shared/db/entities/commitment';
import { Member } from '../../../shared/db/entities/member';
import { ProjectVendor } from '../../../shared/db/entities/project-vendor';
import { User } from '../../../shared/db/entities/user';
import { commitmentsAddContacts, commitmentsEdit, paymentsEnable, ssovEnable } from '../../../shared/domain/permission-rules';

const contractEntities = /* @__PURE__ */ entitiesOf({ Commitment, ProjectVendor, User, Member });

type Retainage = CommitmentItem['retainage'];
type AccountingMethod = CommitmentItem['accountingMethod'];

/** A list reads at most this many pages of the index per request, so a rare `q` stays cheap. */
export const maxListReads = 3;
/** Items DynamoDB evaluates per read when a filter may drop some. */
export const filteredReadSize = 100;

export const commitmentCursors = createConversions(Commitment);

export const locationOf = (item: CommitmentItem) => `/v1/projects/${item.projectId}/commitments/${item.commitmentId}`;
export const unique = (ids: readonly string[]) => [...new Set(ids)];
export const fieldError = (field: string, message: string): FieldError => ({ location: 'body', field, message });

/** Invisible and unknown commitments answer alike, so ids of private ones leak nothing. */
export const noSuchCommitment = () => problems.notFound('No such commitment.');

export async function visibleCommitment(projectId: string, commitmentId: string, member: Membership) {
  const commitment = await loadCommitment(projectId, commitmentId);
  if (!commitment || !canSee(member, 'commitments', commitment)) throw noSuchCommitment();
  return commitment;
}

export const duplicateNumber = (number: string) =>
  new HttpProblem(409, 'conflict', 'Conflict', `Commitment number "${number}" is already used in this project.`, [
    fieldError('number', 'Already used by another commitment of this project (ignoring case and surrounding spaces)'),
  ]);

export const linesExist = () =>
  problems.conflict('The accounting method cannot change once the schedule of values has lines; remove the lines first.');

export const ssovNeedsAmounts = () =>
  problems.conflict('The subcontractor SOV is not available for unit-based commitments.');

export async function vendorOfProject(projectId: string, vendorId: string) {
  const { data } = await contractEntities().ProjectVendor.get({ projectId, vendorId }).go();
  return data ?? undefined;
}

/**
 * Field errors for invoice contacts (users of the vendor company and members of the project)
 * and for the private list (members of the project), in two parallel BatchGets.
 */
export async function participantErrors(
  projectId: string,
  vendorId: string,
  contacts: { ids: readonly string[]; field: string } | undefined,
  privateList: readonly string[] | undefined,
): Promise<FieldError[]> {
  const contactIds = contacts?.ids ?? [];
  const memberIds = unique([...contactIds, ...(privateList ?? [])]);
  if (memberIds.length === 0) return [];
  const { User, Member } = contractEntities();
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
export function retainageFor(method: AccountingMethod, retainage: Retainage, explicitMaterials: boolean | undefined): Retainage | FieldError {
  if (method !== 'unit' || !retainage.materialsEnabled) return retainage;
  if (explicitMaterials) return fieldError('retainage.materialsEnabled', 'Unit-based commitments have no stored materials, so no materials retainage');
  return { ...retainage, materialsEnabled: false };
}

export const isFieldError = (value: unknown): value is FieldError => typeof value === 'object' && value !== null && 'location' in value;

/** Which policy actions a PATCH needs, by the fields it sends. */
export function actionsFor(body: UpdateCommitmentBody): ActionRule[] {
  const actions = new Set<ActionRule>();
  for (const key of Object.keys(body) as Array<keyof UpdateCommitmentBody>) {
    if (key === 'invoiceContactIds') actions.add(commitmentsAddContacts);
    else if (key === 'ssovEnabled') actions.add(ssovEnable);
    else if (key === 'paymentsIssuedEnabled') actions.add(paymentsEnable);
    else actions.add(commitmentsEdit);
  }
  return [...actions];
}

type PatchChain = ReturnType<ReturnType<ReturnType<typeof contractEntities>['Commitment']['patch']>['set']>;
export type PatchCondition = Parameters<PatchChain['where']>[0];

export const optionalFields = ['description', 'contractDate', 'startDate', 'estimatedCompletionDate', 'actualCompletionDate'] as const;
