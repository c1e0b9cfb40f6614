import { randomUUID } from 'node:crypto';
import type { HttpInput, Reply } from '../../../shared/http/handler';
import { problems } from '../../../shared/http/problem';
import { etagFor, requiredIfMatch } from '../../../shared/http/etag';
import { decodeCursor, encodeCursor } from '../../../shared/http/cursor';
import { isConditionalFailure } from '../../../shared/db/conditions';
import { db } from '../../../shared/db/service';
import type { WebhookEndpointItem } from '../../../shared/db/webhooks';
import { InputError } from '../../../shared/domain/errors';
import { secretOverlapMs, webhookUrlRefusal } from '../../../shared/domain/webhooks';
import { toWebhookEndpointResponse } from '../../../shared/api/webhooks-views';
import { newWebhookSecret } from '../../../shared/webhooks/signature';
import { config } from '../../../shared/config';
import { loadEndpoint, loadWebhookAdmin } from './access';

const endpointUrl = (endpointId: string) => `/v1/webhook-endpoints/${endpointId}`;

function checkUrl(url: string | undefined): void {
  const refusal = url === undefined ? undefined : webhookUrlRefusal(url, config.webhookAllowLoopback);
  if (refusal) throw new InputError([{ field: 'url', message: refusal }]);
}

const reply = (endpoint: WebhookEndpointItem, extra: { secret?: string; status?: number } = {}): Reply => ({
  status: extra.status ?? 200,
  body: { ...toWebhookEndpointResponse(endpoint, Date.now()), ...(extra.secret ? { secret: extra.secret } : {}) },
  headers: { etag: etagFor(endpoint.version), ...(extra.status === 201 ? { location: endpointUrl(endpoint.endpointId) } : {}) },
});

export async function createWebhookEndpoint({ caller, body }: HttpInput<'createWebhookEndpoint'>): Promise<Reply> {
  const { companyId } = await loadWebhookAdmin(caller.userId);
  checkUrl(body.url);
  const now = new Date().toISOString();
  const endpoint: WebhookEndpointItem = {
    endpointId: randomUUID(),
    companyId,
    url: body.url,
    eventTypes: body.eventTypes,
    ...(body.description ? { description: body.description } : {}),
    enabled: body.enabled,
    secret: newWebhookSecret(),
    version: 1,
    createdBy: caller.userId,
    createdAt: now,
    updatedAt: now,
  };
  await db().WebhookEndpoint.create(endpoint).go();
  return reply(endpoint, { secret: endpoint.secret, status: 201 });
}

export async function listWebhookEndpoints({ caller, query }: HttpInput<'listWebhookEndpoints'>): Promise<Reply> {
  const { companyId } = await loadWebhookAdmin(caller.userId);
  const scope = `webhook-endpoints:${companyId}`;
  const page = await db().WebhookEndpoint.query.byCompany({ companyId }).go({ cursor: decodeCursor(scope, query.cursor), limit: query.limit });
  return { body: { items: page.data.map((e) => toWebhookEndpointResponse(e, Date.now())), nextCursor: encodeCursor(scope, page.cursor) } };
}

export async function getWebhookEndpoint({ caller, path }: HttpInput<'getWebhookEndpoint'>): Promise<Reply> {
  const { companyId } = await loadWebhookAdmin(caller.userId);
  return reply(await loadEndpoint(companyId, path.endpointId));
}

/** Writes `set` (and `remove`) under the version the caller read: 412 when the endpoint moved on. */
async function patchEndpoint(endpoint: WebhookEndpointItem, expectedVersion: number, set: Partial<WebhookEndpointItem>, remove: Array<'description' | 'disabledReason' | 'failingSince'> = []) {
  const updated = { ...endpoint, ...set, version: expectedVersion + 1, updatedAt: new Date().toISOString() };
  for (const attribute of remove) delete updated[attribute];
  try {
    const patch = db()
      .WebhookEndpoint.patch({ endpointId: endpoint.endpointId })
      .set({ ...set, version: updated.version, updatedAt: updated.updatedAt });
    await (remove.length ? patch.remove(remove) : patch).where((attr, op) => op.eq(attr.version, expectedVersion)).go();
  } catch (error) {
    if (!isConditionalFailure(error)) throw error;
    throw problems.preconditionFailed('The webhook endpoint changed since it was read; read it again and retry.');
  }
  return updated;
}

export async function updateWebhookEndpoint({ caller, path, body, headers }: HttpInput<'updateWebhookEndpoint'>): Promise<Reply> {
  const { companyId } = await loadWebhookAdmin(caller.userId);
  const endpoint = await loadEndpoint(companyId, path.endpointId);
  const expectedVersion = requiredIfMatch(headers, endpoint.version);
  checkUrl(body.url);
  const set: Partial<WebhookEndpointItem> = {
    ...(body.url !== undefined ? { url: body.url } : {}),
    ...(body.eventTypes !== undefined ? { eventTypes: body.eventTypes } : {}),
    ...(body.description ? { description: body.description } : {}),
    ...(body.enabled !== undefined ? { enabled: body.enabled } : {}),
  };
  // Enabling starts afresh: the product's reason and the failure streak are cleared.
  const remove = [
    ...(body.description === null || body.description === '' ? (['description'] as const) : []),
    ...(body.enabled === true ? (['disabledReason', 'failingSince'] as const) : []),
  ].filter((attribute) => endpoint[attribute] !== undefined);
  return reply(await patchEndpoint(endpoint, expectedVersion, set, remove));
}

export async function deleteWebhookEndpoint({ caller, path, headers }: HttpInput<'deleteWebhookEndpoint'>): Promise<Reply> {
  const { companyId } = await loadWebhookAdmin(caller.userId);
  const endpoint = await loadEndpoint(companyId, path.endpointId);
  const expectedVersion = requiredIfMatch(headers, endpoint.version);
  try {
    await db()
      .WebhookEndpoint.delete({ endpointId: endpoint.endpointId })
      .where((attr, op) => op.eq(attr.version, expectedVersion))
      .go();
  } catch (error) {
    if (!isConditionalFailure(error)) throw error;
    throw problems.preconditionFailed('The webhook endpoint changed since it was read; read it again and retry.');
  }
  return { status: 204 };
}

/** A new secret; the current one becomes the previous, still signing for a day (receivers switch over meanwhile). */
export async function rotateWebhookSecret({ caller, path }: HttpInput<'rotateWebhookSecret'>): Promise<Reply> {
  const { companyId } = await loadWebhookAdmin(caller.userId);
  const endpoint = await loadEndpoint(companyId, path.endpointId);
  const secret = newWebhookSecret();
  const updated = await patchEndpoint(endpoint, endpoint.version, {
    secret,
    previousSecret: endpoint.secret,
    previousSecretUntil: new Date(Date.now() + secretOverlapMs).toISOString(),
  });
  return reply(updated, { secret });
}
