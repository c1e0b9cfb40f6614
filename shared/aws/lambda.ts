import { LambdaClient } from '@aws-sdk/client-lambda';

/** One Lambda client per process; the endpoint comes from `AWS_ENDPOINT_URL_LAMBDA`. */
let lambda: LambdaClient | undefined;

export function lambdaClient(): LambdaClient {
  lambda ??= new LambdaClient({});
  return lambda;
}
