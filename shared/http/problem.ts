import type { Problem } from '../api/common';

/** Base of every problem `type` URI; the slug after it is stable and documented. */
export const problemTypeBase = 'https://progress-claims.dev/problems/';

export type FieldError = NonNullable<Problem['errors']>[number];

/**
 * An RFC 9457 problem. Anything a handler throws that is not an HttpProblem becomes
 * a 500 `internal` problem whose detail reveals nothing.
 */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly slug: string,
    readonly title: string,
    readonly detail: string,
    readonly errors?: FieldError[],
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = 'HttpProblem';
  }

  toJSON(instance?: string): Problem {
    return {
      type: problemTypeBase + this.slug,
      title: this.title,
      status: this.status,
      detail: this.detail,
      ...(instance ? { instance } : {}),
      ...(this.errors ? { errors: this.errors } : {}),
    };
  }
}

export const problems = {
  validation: (errors: FieldError[]) =>
    new HttpProblem(
      400,
      'validation',
      'Invalid request',
      `The request has ${errors.length} invalid field${errors.length === 1 ? '' : 's'}: ${errors.map((e) => `${e.location} ${e.field || '(root)'}`).join(', ')}.`,
      errors,
    ),
  malformedJson: (reason: string) =>
    new HttpProblem(400, 'malformed-json', 'Malformed JSON', `The request body is not valid JSON: ${reason}`),
  unauthorized: (detail = 'A valid bearer token is required.') =>
    new HttpProblem(401, 'unauthorized', 'Unauthorized', detail, undefined, { 'www-authenticate': 'Bearer' }),
  forbidden: (detail: string) => new HttpProblem(403, 'forbidden', 'Forbidden', detail),
  notFound: (detail: string) => new HttpProblem(404, 'not-found', 'Not found', detail),
  conflict: (detail: string) => new HttpProblem(409, 'conflict', 'Conflict', detail),
  /** A write lost to concurrent writes even after its retries: the client may simply retry. */
  busy: (what: string) => new HttpProblem(409, 'conflict', 'Conflict', `The ${what} is being changed by other requests right now; retry.`),
  preconditionFailed: (detail: string) => new HttpProblem(412, 'precondition-failed', 'Precondition failed', detail),
  payloadTooLarge: (limitBytes: number) =>
    new HttpProblem(413, 'payload-too-large', 'Payload too large', `The request body exceeds the limit of ${limitBytes} bytes.`),
  unsupportedMediaType: (contentType: string | undefined) =>
    new HttpProblem(
      415,
      'unsupported-media-type',
      'Unsupported media type',
      `The request body must be application/json, not ${contentType ? `'${contentType}'` : 'an unspecified type'}.`,
    ),
  preconditionRequired: (detail: string) => new HttpProblem(428, 'precondition-required', 'Precondition required', detail),
  idempotencyInProgress: (retryAfterSeconds: number) =>
    new HttpProblem(
      409,
      'idempotency-in-progress',
      'Request in progress',
      'A request with this Idempotency-Key is still being processed; retry shortly.',
      undefined,
      { 'retry-after': String(retryAfterSeconds) },
    ),
  /** The keyed request changed data, then stopped before answering (a crash, a timeout): its answer cannot be replayed. */
  idempotencyAnswerLost: (committedAt: string) =>
    new HttpProblem(
      409,
      'idempotency-answer-lost',
      'Request already carried out',
      `The request with this Idempotency-Key made its change at ${committedAt}, but the service stopped before answering, so there is no answer to replay. Do not send it again: read the resource (e.g. list it) to see the result.`,
    ),
  idempotencyKeyReused: () =>
    new HttpProblem(422, 'idempotency-key-reused', 'Idempotency-Key reused', 'This Idempotency-Key was used for a different request body; use a new key.'),
  /** A dependency (DynamoDB) is unreachable or throttling: retry, it is not the client's fault. */
  unavailable: (retryAfterSeconds = 5) =>
    new HttpProblem(
      503,
      'unavailable',
      'Service unavailable',
      'A service this API depends on is unreachable or busy right now; retry after the Retry-After delay.',
      undefined,
      { 'retry-after': String(retryAfterSeconds) },
    ),
  internal: () =>
    new HttpProblem(500, 'internal', 'Internal error', 'Something went wrong on our side; it has been logged. Please retry later.'),
};
