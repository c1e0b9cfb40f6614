import { httpHandler } from '../../shared/http/handler';
import { problems } from '../../shared/http/problem';
import { etagFor } from '../../shared/http/etag';
import { loadMe } from '../../shared/db/me';
import { meRoutes } from '../../shared/api/me';

export const handler = httpHandler(meRoutes, 'getMe', async ({ caller }) => {
  const found = await loadMe(caller.userId);
  if (!found) throw problems.notFound('No user profile exists for this account yet.');
  return { body: found.me, headers: { etag: etagFor(found.version) } };
});
