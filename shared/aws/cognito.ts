import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';

/** One Cognito client per process; the endpoint comes from `AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER`. */
let cognito: CognitoIdentityProviderClient | undefined;

export function cognitoClient(): CognitoIdentityProviderClient {
  cognito ??= new CognitoIdentityProviderClient({});
  return cognito;
}
