import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { blockedAddressReason } from '../domain/webhooks';

/** A receiver gets this long to answer; a delivery's lease is longer, so two attempts never overlap. */
export const webhookTimeoutMs = 10_000;
/** Only the start of a receiver's answer is kept, for the delivery log. */
const keptResponseBytes = 1024;

export type PostOutcome =
  | { kind: 'response'; status: number; durationMs: number; body: string }
  /** No HTTP answer: refused address, DNS failure, connection error, timeout. */
  | { kind: 'error'; error: string; durationMs: number };

/** A target refused before any connection (an SSRF attempt, or a name resolving to one). */
export class BlockedTargetError extends Error {
  override name = 'BlockedTargetError';
}

/**
 * A DNS lookup for the connection itself that refuses blocked addresses: the socket connects to
 * the very address checked here, so a name cannot resolve to a public address for the check and
 * to a private one for the connection (DNS rebinding).
 */
const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, '', 0);
    const blocked = addresses.map((a) => blockedAddressReason(a.address)).find(Boolean);
    if (blocked) return callback(new BlockedTargetError(`${hostname} resolves to a refused address: ${blocked}`), '', 0);
    if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
    callback(null, addresses[0]!.address, addresses[0]!.family);
  });
};

/**
 * POSTs one webhook. With `publicOnly` (AWS) the host must resolve to public addresses only (see
 * blockedAddressReason) and the connection goes to the checked address; locally loopback is
 * allowed, for test receivers. Redirects are not followed (a 3xx is a failed attempt).
 */
export function postWebhook(url: string, headers: Record<string, string>, body: string, options: { publicOnly: boolean }): Promise<PostOutcome> {
  const started = Date.now();
  const elapsed = () => Date.now() - started;
  const target = new URL(url);
  const host = target.hostname.replace(/^\[|\]$/g, '');
  if (options.publicOnly && isIP(host)) {
    const blocked = blockedAddressReason(host);
    if (blocked) return Promise.resolve({ kind: 'error', error: `BlockedTargetError: ${blocked}`, durationMs: 0 });
  }
  const transport = target.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    const request = transport.request(
      target,
      {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'user-agent': 'progress-claims-webhooks/1' },
        timeout: webhookTimeoutMs,
        agent: false,
        ...(options.publicOnly ? { lookup: guardedLookup } : {}),
      },
      (response) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        response.on('data', (chunk: Buffer) => {
          if (kept < keptResponseBytes) chunks.push(chunk.subarray(0, keptResponseBytes - kept));
          kept += chunk.length;
        });
        response.on('end', () => resolve({ kind: 'response', status: response.statusCode ?? 0, durationMs: elapsed(), body: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', (error) => resolve({ kind: 'error', error: `${error.name}: ${error.message}`, durationMs: elapsed() }));
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer within ${webhookTimeoutMs} ms`)));
    request.on('error', (error) => resolve({ kind: 'error', error: `${error.name}: ${error.message}`, durationMs: elapsed() }));
    request.end(body);
  });
}
