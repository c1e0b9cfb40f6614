import { randomUUID } from 'node:crypto';
import type { HttpInput, Reply } from '../../../shared/http/handler';
import { enforce } from '../../../shared/http/access';
import { etagFor, requiredIfMatch } from '../../../shared/http/etag';
import { problems } from '../../../shared/http/problem';
import { isEditable, subLineErrors } from '../../../shared/domain/ssov';
import { bodyErrors, enforceEdit, loadSsovContext, reply, requireSsovEnabled, view } from './shared';
import { writeSsov } from './write';
import { commitmentsView } from '../../../shared/domain/permission-rules';

export async function getSsov({ path, caller }: HttpInput<'getSsov'>): Promise<Reply> {
  const { member, commitment, ssov, parents } = await loadSsovContext(path.projectId, path.commitmentId, caller.userId);
  enforce(commitmentsView, member, commitment);
  requireSsovEnabled(commitment);
  return reply(view(path.projectId, path.commitmentId, ssov, parents));
}

export async function replaceSsov({ path, body, caller, headers }: HttpInput<'replaceSsov'>): Promise<Reply> {
  const { member, commitment, sov, ssov, parents } = await loadSsovContext(path.projectId, path.commitmentId, caller.userId);
  enforceEdit(member, commitment);
  requireSsovEnabled(commitment);
  const expectedVersion = requiredIfMatch(headers);
  const currentVersion = ssov?.version ?? 0;
  if (expectedVersion !== currentVersion) {
    throw problems.preconditionFailed(`If-Match ${etagFor(expectedVersion)} is not the subcontractor SOV's current ETag; read it again.`);
  }
  const status = ssov?.status ?? 'draft';
  if (!isEditable(status)) {
    throw problems.conflict(`The subcontractor SOV is ${status.replace(/_/g, ' ')}; it can be edited only in draft or after being sent back for revision.`);
  }
  const errors = subLineErrors(body.lines, parents);
  if (errors.length) throw problems.validation(bodyErrors(errors));

  const lines = body.lines.map((line) => ({ ...line, subLineId: line.subLineId ?? randomUUID() }));
  const saved = await writeSsov(
    path.projectId,
    path.commitmentId,
    { expectedVersion, status, set: { lines }, checkedSov: sov, now: new Date().toISOString() },
    412,
  );
  return reply(view(path.projectId, path.commitmentId, { ...ssov, ...saved }, parents));
}
