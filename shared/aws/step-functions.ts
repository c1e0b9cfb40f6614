import { SFNClient } from '@aws-sdk/client-sfn';

/** One Step Functions client per process; the endpoint comes from `AWS_ENDPOINT_URL_SFN`. */
let sfn: SFNClient | undefined;

export function stepFunctionsClient(): SFNClient {
  sfn ??= new SFNClient({});
  return sfn;
}
