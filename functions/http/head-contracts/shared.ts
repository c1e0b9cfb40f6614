/** What the head-contract operations share: the visible contract, the private-list and retainage checks, and their problems. */
import { HttpProblem, problems, type FieldError } from '../../../shared/http/problem';
import { etagFor } from '../../../shared/http/etag';
import { canSee, type Membership } from '../../../shared/domain/permissions';
import { loadHeadContract, type HeadContractItem } from '../../../shared/db/head-contracts';
import { fieldError, isFieldError, participantErrors, retainageFor, unique } from '../commitments/shared';

export { fieldError, isFieldError, unique };

/** The key a number is unique under: "hc-001" and " HC-001" are the same number. */
export const normalizeHeadContractNumber = (number: string): string => number.trim().toUpperCase();

export const locationOf = (item: HeadContractItem) => `/v1/projects/${item.projectId}/head-contracts/${item.headContractId}`;

/** Invisible and unknown head contracts answer alike, so ids of private ones leak nothing. */
export const noSuchHeadContract = () => problems.notFound('No such head contract.');

export async function visibleHeadContract(projectId: string, headContractId: string, member: Membership) {
  const contract = await loadHeadContract(projectId, headContractId);
  if (!contract || !canSee(member, 'head_contracts', contract)) throw noSuchHeadContract();
  return contract;
}

export const duplicateNumber = (number: string) =>
  new HttpProblem(409, 'conflict', 'Conflict', `Head contract number "${number}" is already used in this project.`, [
    fieldError('number', 'Already used by another head contract of this project (ignoring case and surrounding spaces)'),
  ]);

export const linesExist = () =>
  problems.conflict('The accounting method cannot change once the schedule of values has lines; remove the lines first.');

export const changedSinceRead = (version: number) =>
  problems.preconditionFailed(`The head contract changed since you read it (now ${etagFor(version)}); read it again.`);

/** Field errors for the private list: each must be a member of the project. */
export const privateListErrors = (projectId: string, privateUserIds: readonly string[] | undefined): Promise<FieldError[]> =>
  privateUserIds?.length ? participantErrors(projectId, '', undefined, privateUserIds) : Promise.resolve([]);

/** Retainage as for commitments: unit-based contracts retain on completed work only. */
export const headContractRetainage = retainageFor;

export const optionalFields = ['description', 'contractDate', 'startDate', 'estimatedCompletionDate', 'actualCompletionDate'] as const;
