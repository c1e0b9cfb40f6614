import { randomUUID } from 'node:crypto';
import type { HttpInput, Reply } from '../../../shared/http/handler';
import { problems } from '../../../shared/http/problem';
import { etagFor } from '../../../shared/http/etag';
import { editLine, replaceOriginalLines } from '../../../shared/domain/sov';
import { commitmentActionRefusal } from '../../../shared/domain/allowed-actions';
import { commitmentAllowing, commitmentFor, loadSov, sovAtIfMatch, sovBody, storeSov } from './shared';

export async function getSov({ path, caller }: HttpInput<'getSov'>): Promise<Reply> {
  const commitment = await commitmentFor('commitments.view', path, caller.userId);
  const sov = await loadSov(path.projectId, path.commitmentId);
  return { body: sovBody(commitment, sov), headers: { etag: etagFor(sov.version) } };
}

export async function replaceSov({ path, body, caller, headers }: HttpInput<'replaceSov'>): Promise<Reply> {
  const commitment = await commitmentAllowing((access) => commitmentActionRefusal('edit_sov', access), path, caller.userId);
  const sov = await sovAtIfMatch(commitment, headers);
  const lines = replaceOriginalLines(sov.lines, body.lines, commitment.accountingMethod, randomUUID);
  const stored = await storeSov(commitment, sov, lines);
  return { body: sovBody(commitment, stored), headers: { etag: etagFor(stored.version) } };
}

export async function updateSovLine({ path, body, caller, headers }: HttpInput<'updateSovLine'>): Promise<Reply> {
  const commitment = await commitmentAllowing((access) => commitmentActionRefusal('edit_sov', access), path, caller.userId);
  const sov = await sovAtIfMatch(commitment, headers);
  const lines = editLine(sov.lines, path.lineId, body, commitment.accountingMethod);
  if (!lines) throw problems.notFound('No such line in this schedule of values.');
  const stored = await storeSov(commitment, sov, lines);
  return { body: sovBody(commitment, stored), headers: { etag: etagFor(stored.version) } };
}
