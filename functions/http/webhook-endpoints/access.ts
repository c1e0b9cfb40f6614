import { db } from '../../../shared/db/service';
import { companyAdminRefusal } from '../../../shared/domain/permissions';
import { problems } from '../../../shared/http/problem';
import type { WebhookEndpointItem } from '../../../shared/db/webhooks';

/** The caller's company, when the caller administers it (403 otherwise): webhooks are company-level. */
export async function loadWebhookAdmin(userId: string): Promise<{ companyId: string }> {
  const { User, Company } = db();
  const { data: user } = await User.get({ userId }).go();
  const { data: company } = user ? await Company.get({ companyId: user.companyId }).go() : { data: null };
  const refusal = companyAdminRefusal(
    'webhooks.manage',
    user && company ? { companyKind: company.kind, companyName: company.name, companyRole: user.companyRole } : undefined,
  );
  if (refusal || !user || !company) throw problems.forbidden(refusal ?? 'No such account.');
  return { companyId: company.companyId };
}

/** One of the company's endpoints; another company's is as unknown as a missing one (404). */
export async function loadEndpoint(companyId: string, endpointId: string): Promise<WebhookEndpointItem> {
  const { data } = await db().WebhookEndpoint.get({ endpointId }).go({ consistent: true });
  if (!data || data.companyId !== companyId) throw problems.notFound(`No webhook endpoint ${endpointId} in your company.`);
  return data;
}
