/**
 * Webhooks' rules (issue 17): which events an endpoint may subscribe to, when a failed delivery
 * is tried again, when it and its endpoint are given up on, which secrets sign, and which
 * addresses a delivery may never connect to. Pure: time is passed in, nothing is resolved here.
 */

import { domainEventTypes, type DomainEventType } from '../../events/contracts';

/**
 * The domain events integrations can subscribe to (DOMAIN.md, "Events for integrations"), named
 * as their outbox detail-types: `domainEventTypes` (events/contracts.ts), their one list.
 * Only these reach webhooks; internal records (emails, backups to start, billing-cycle fan-out) never do.
 */
export const webhookEventTypes: readonly [DomainEventType, ...DomainEventType[]] = domainEventTypes;
export type WebhookEventType = DomainEventType;

export const isWebhookEventType = (type: string): type is WebhookEventType => (webhookEventTypes as readonly string[]).includes(type);

/** A delivery is retried this long after its first attempt, then marked failed. */
export const deliveryRetryWindowMs = 24 * 60 * 60 * 1000;
/** An endpoint whose deliveries have all failed for this long is disabled (and its admins emailed). */
export const endpointFailureWindowMs = 24 * 60 * 60 * 1000;
/** After a rotation the previous secret still signs this long, so receivers can switch over. */
export const secretOverlapMs = 24 * 60 * 60 * 1000;

/** First retry 30 s after the first failure, doubling up to an hour between attempts (≈ 32 attempts in 24 h). */
const firstRetryMs = 30_000;
const longestRetryMs = 60 * 60 * 1000;

/**
 * When delivery attempt `attempts + 1` is due after `attempts` failed ones, or undefined when the
 * retry window (counted from the first attempt) has run out and the delivery is failed for good.
 */
export function nextAttemptAt(attempts: number, firstAttemptAt: number, lastAttemptAt: number): number | undefined {
  const delay = Math.min(longestRetryMs, firstRetryMs * 2 ** Math.max(0, attempts - 1));
  const next = lastAttemptAt + delay;
  return next - firstAttemptAt > deliveryRetryWindowMs ? undefined : next;
}

/** Whether a receiver's HTTP status counts as delivered (Standard Webhooks: any 2xx). */
export const isDeliveredStatus = (status: number) => status >= 200 && status < 300;

/** An endpoint failing since `failingSince` (epoch ms; undefined when its last delivery succeeded) is disabled once this is true. */
export const endpointFailedTooLong = (failingSince: number | undefined, now: number) =>
  failingSince !== undefined && now - failingSince >= endpointFailureWindowMs;

/** The secrets that sign a delivery now: the current one, and the previous one during its overlap. */
export function signingSecrets(endpoint: { secret: string; previousSecret?: string; previousSecretUntil?: string }, now: number): string[] {
  const previousValid = endpoint.previousSecret && endpoint.previousSecretUntil && Date.parse(endpoint.previousSecretUntil) > now;
  return previousValid ? [endpoint.secret, endpoint.previousSecret!] : [endpoint.secret];
}

/**
 * Why a webhook URL is refused before anything is resolved (→ 400 on the field), or undefined.
 * In AWS only https is allowed; locally http to loopback is too, for test receivers.
 */
export function webhookUrlRefusal(url: string, allowLoopback: boolean): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'Not a URL.';
  }
  if (parsed.username || parsed.password) return 'A webhook URL may not carry credentials.';
  if (parsed.protocol === 'https:') return undefined;
  if (parsed.protocol === 'http:' && allowLoopback) return undefined;
  return allowLoopback ? 'Use an http or https URL.' : 'Webhook URLs must use https.';
}

/** IPv4 ranges a delivery never connects to in AWS: [first octets as a number, prefix length, name]. */
const blockedV4: Array<[string, number, string]> = [
  ['0.0.0.0', 8, 'this network'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'carrier-grade NAT'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local (incl. the instance metadata service)'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'IETF protocol assignments'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
];

function v4ToNumber(address: string): number | undefined {
  const parts = address.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

/** The 8 groups of an IPv6 address as numbers (an embedded dotted IPv4 tail is converted), or undefined. */
function v6Groups(address: string): number[] | undefined {
  let text = address.toLowerCase().split('%')[0]!;
  const v4Tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4Tail) {
    const n = v4ToNumber(v4Tail[1]!);
    if (n === undefined) return undefined;
    text = `${text.slice(0, -v4Tail[1]!.length)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  if (groups.some((g) => !/^[0-9a-f]{1,4}$/.test(g))) return undefined;
  return groups.map((g) => parseInt(g, 16));
}

/**
 * Why a resolved address may not receive webhooks in AWS (loopback, private, link-local and the
 * metadata service, CGNAT, unique-local and link-local IPv6, IPv4-mapped forms of any of these),
 * or undefined for a public address. `address` is an IP literal as DNS answers it.
 */
export function blockedAddressReason(address: string): string | undefined {
  const v4 = v4ToNumber(address);
  if (v4 !== undefined) {
    for (const [base, bits, name] of blockedV4) {
      const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
      if (((v4 & mask) >>> 0) === ((v4ToNumber(base)! & mask) >>> 0)) return `${address} is a ${name} address`;
    }
    return undefined;
  }
  const groups = v6Groups(address);
  if (!groups) return `${address} is not an IP address`;
  const [g0, , , , , g5, g6, g7] = groups as [number, number, number, number, number, number, number, number];
  const zeroPrefix = (count: number) => groups.slice(0, count).every((g) => g === 0);
  if (zeroPrefix(8)) return `${address} is the unspecified address`;
  if (zeroPrefix(7) && g7 === 1) return `${address} is the IPv6 loopback address`;
  // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible): judged as the IPv4 address they carry.
  if (zeroPrefix(5) && (g5 === 0xffff || g5 === 0)) {
    const reason = blockedAddressReason(`${g6 >> 8}.${g6 & 0xff}.${g7 >> 8}.${g7 & 0xff}`);
    return reason && `${address} maps an IPv4 address: ${reason}`;
  }
  if ((g0 & 0xfe00) === 0xfc00) return `${address} is a unique-local IPv6 address`;
  if ((g0 & 0xffc0) === 0xfe80) return `${address} is a link-local IPv6 address`;
  if ((g0 & 0xff00) === 0xff00) return `${address} is a multicast IPv6 address`;
  return undefined;
}
