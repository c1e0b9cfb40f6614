import { describe, expect, it } from 'vitest';
import { s3Operation } from '../../infra/local/aws-services';

/** The backup bench tallies s3rver's requests by operation: each path-style request the SDK sends is named as S3 names it. */
describe('s3Operation', () => {
  it.each([
    ['GET', '/bucket/uploads/a%20b.pdf?x-id=GetObject', 'GetObject'],
    ['HEAD', '/bucket/uploads/a.pdf', 'HeadObject'],
    ['PUT', '/bucket/backups/parts/0001.pdf?x-id=PutObject', 'PutObject'],
    ['POST', '/bucket/backups/out.pdf?uploads&x-id=CreateMultipartUpload', 'CreateMultipartUpload'],
    ['PUT', '/bucket/backups/out.pdf?partNumber=2&uploadId=abc&x-id=UploadPart', 'UploadPart'],
    ['POST', '/bucket/backups/out.pdf?uploadId=abc', 'CompleteMultipartUpload'],
    ['DELETE', '/bucket/backups/out.pdf?uploadId=abc&x-id=AbortMultipartUpload', 'AbortMultipartUpload'],
    ['DELETE', '/bucket/uploads/a.pdf?x-id=DeleteObject', 'DeleteObject'],
    ['GET', '/bucket?list-type=2', 'ListObjects'],
    ['PUT', '/bucket', 'PUT bucket'],
  ])('%s %s is %s', (method, url, operation) => {
    expect(s3Operation(method, url)).toBe(operation);
  });
});
