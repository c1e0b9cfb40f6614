import { expect, it } from 'vitest';
import { client, seedPermissionFixture, startTestApi } from '../support/permission-fixtures';

it('email oracle', async () => {
  const api = await startTestApi();
  const fx = await seedPermissionFixture(api.idp);
  const call = client(api);
  const path = `/v1/projects/${fx.other.projectId}/vendors/${fx.other.vendorId}/users`;
  const known = await call(fx.users.other_company_admin.token, { method: 'POST', path, body: { email: fx.users.admin.email, name: 'X' } });
  const unknown = await call(fx.users.other_company_admin.token, { method: 'POST', path, body: { email: 'nobody-xyz@example.test', name: 'X' } });
  await api.stop();
  expect({ known: [known.status, known.body], unknown: unknown.status }).toEqual({});
});
