import { S3Client } from '@aws-sdk/client-s3';

/** One S3 client per process; `AWS_ENDPOINT_URL_S3` points it at s3rver locally (see dynamo.ts). */
let s3: S3Client | undefined;

export function s3Client(): S3Client {
  s3 ??= new S3Client({
    // s3rver serves buckets by path, not by virtual host.
    forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3),
    // CRC32 checksums by default (SDK >= 3.729) break presigned PUTs and s3rver.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return s3;
}
