import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { problems } from './problem';

/** Who is calling, as the JWT authorizer (Cognito in AWS, the local IdP locally) vouched for. */
export interface Caller {
  userId: string;
  email: string | undefined;
}

/**
 * The authorizer has already verified the token; the handler only reads its claims.
 * A route reaching here without them is refused rather than trusted.
 */
export function callerFromEvent(event: APIGatewayProxyEventV2WithJWTAuthorizer): Caller {
  const claims = event.requestContext?.authorizer?.jwt?.claims;
  const sub = claims?.sub;
  if (typeof sub !== 'string' || sub === '') throw problems.unauthorized();
  return { userId: sub, email: typeof claims?.email === 'string' ? claims.email : undefined };
}
