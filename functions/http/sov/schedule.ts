import { randomUUID } from 'node:crypto';
import type { HttpInput, Reply } from '../../../shared/http/handler';
import { problems } from '../../../shared/http/problem';
import { etagFor } from '../../../shared/http/etag';
import { editLine, replaceOriginalLines, type SovLineInput, type SovLinePatch } from '../../../shared/domain/sov';
import { commitmentActionRefusal } from '../../../shared/domain/allowed-actions';
import { commitmentAllowing, commitmentRef, contractFor, headContractRef, loadSov, sovAtIfMatch, sovBody, storeSov, type Contract } from './shared';
import { commitmentsView, headContractsEdit, headContractsView } from '../../../shared/domain/permission-rules';

type Headers = Record<string, string | undefined>;

async function readSov(contract: Contract): Promise<Reply> {
  const sov = await loadSov(contract);
  return { body: sovBody(contract, sov), headers: { etag: etagFor(sov.version) } };
}

async function replaceLines(contract: Contract, lines: readonly SovLineInput[], headers: Headers): Promise<Reply> {
  const sov = await sovAtIfMatch(contract, headers);
  const replaced = replaceOriginalLines(sov.lines, lines, contract.accountingMethod, randomUUID);
  const stored = await storeSov(contract, sov, replaced);
  return { body: sovBody(contract, stored), headers: { etag: etagFor(stored.version) } };
}

async function editOneLine(contract: Contract, lineId: string, patch: SovLinePatch, headers: Headers): Promise<Reply> {
  const sov = await sovAtIfMatch(contract, headers);
  const lines = editLine(sov.lines, lineId, patch, contract.accountingMethod);
  if (!lines) throw problems.notFound('No such line in this schedule of values.');
  const stored = await storeSov(contract, sov, lines);
  return { body: sovBody(contract, stored), headers: { etag: etagFor(stored.version) } };
}

// A commitment's schedule of values

export async function getSov({ path, caller }: HttpInput<'getSov'>): Promise<Reply> {
  return readSov(await contractFor(commitmentsView, commitmentRef(path), caller.userId));
}

export async function replaceSov({ path, body, caller, headers }: HttpInput<'replaceSov'>): Promise<Reply> {
  return replaceLines(await commitmentAllowing((access) => commitmentActionRefusal('edit_sov', access), path, caller.userId), body.lines, headers);
}

export async function updateSovLine({ path, body, caller, headers }: HttpInput<'updateSovLine'>): Promise<Reply> {
  return editOneLine(await commitmentAllowing((access) => commitmentActionRefusal('edit_sov', access), path, caller.userId), path.lineId, body, headers);
}

// A head contract's schedule of values: the same rules and code

export async function getHeadContractSov({ path, caller }: HttpInput<'getHeadContractSov'>): Promise<Reply> {
  return readSov(await contractFor(headContractsView, headContractRef(path), caller.userId));
}

export async function replaceHeadContractSov({ path, body, caller, headers }: HttpInput<'replaceHeadContractSov'>): Promise<Reply> {
  return replaceLines(await contractFor(headContractsEdit, headContractRef(path), caller.userId), body.lines, headers);
}

export async function updateHeadContractSovLine({ path, body, caller, headers }: HttpInput<'updateHeadContractSovLine'>): Promise<Reply> {
  return editOneLine(await contractFor(headContractsEdit, headContractRef(path), caller.userId), path.lineId, body, headers);
}
