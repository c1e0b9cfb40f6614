import { httpHandler } from '../../shared/http/handler';
import { problems } from '../../shared/http/problem';
import { etagFor, requiredIfMatch } from '../../shared/http/etag';
import { isConditionalFailure } from '../../shared/db/conditions';
import { entitiesOf } from '../../shared/db/service';
import { User } from '../../shared/db/entities/user';
import { loadMe } from '../../shared/db/me';
import { meRoutes } from '../../shared/api/me';

const users = /* @__PURE__ */ entitiesOf({ User });

export const handler = httpHandler(meRoutes, 'updateMe', async ({ caller, body, headers }) => {
  const expectedVersion = requiredIfMatch(headers);
  try {
    await users()
      .User.patch({ userId: caller.userId })
      .set({ name: body.name })
      .add({ version: 1 })
      .where((attr, op) => op.eq(attr.version, expectedVersion))
      .go();
  } catch (error) {
    if (!isConditionalFailure(error)) throw error;
    // Either no profile (patch requires the item) or someone changed it since the caller read it.
    const current = await loadMe(caller.userId);
    if (!current) throw problems.notFound('No user profile exists for this account yet.');
    throw problems.preconditionFailed(`Your profile changed since you read it (now ${etagFor(current.version)}); read it again.`);
  }
  const updated = await loadMe(caller.userId);
  return { body: updated!.me, headers: { etag: etagFor(updated!.version) } };
});
