import { S3Client } from '@aws-sdk/client-s3';

/** One S3 client per process; `AWS_ENDPOINT_URL_S3` points it at s3rver locally (see dynamo.ts). */
let s3: S3Client | undefined;

/**
 * The client's middleware that does nothing for our requests, taken off every request's path
 * (bench/s3-requests.ts measured them together at ~0.1 ms of CPU per GetObject and ~0.4 ms per
 * PutObject, of the ~1.1–1.5 ms the SDK adds to a raw signed request): the user-agent header
 * (built and escaped on every call; S3 needs none), the logger's (no logger is configured), the
 * bucket-name check (our bucket is configured, not user input), the redirect to a bucket's
 * region (followRegionRedirects is off: the middleware only rethrows) and S3 Express (no
 * directory buckets). Recursion detection stays: it carries the Lambda's trace header.
 */
const unneededMiddleware = ['getUserAgentMiddleware', 'loggerMiddleware', 'validateBucketNameMiddleware', 'regionRedirectMiddleware', 's3ExpressMiddleware'];

export function s3Client(): S3Client {
  if (!s3) {
    s3 = new S3Client({
      // s3rver serves buckets by path, not by virtual host.
      forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3),
      // CRC32 checksums by default (SDK >= 3.729) break presigned PUTs and s3rver.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      // No `Expect: 100-continue` on bodies of 2 MiB and more (the backup's 8 MiB parts): the SDK sends
      // each such request on a connection of its own, not kept alive (a TLS handshake per part), and
      // waits a round trip before the body; without it, only a request S3 refuses sends its body in vain.
      expectContinueHeader: false,
    });
    for (const name of unneededMiddleware) s3.middlewareStack.remove(name);
  }
  return s3;
}
