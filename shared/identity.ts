import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  type AttributeType,
} from '@aws-sdk/client-cognito-identity-provider';
import { cognitoClient } from './aws/cognito';

/**
 * People join by invitation: a company admin names them, the identity provider (Cognito in
 * AWS, infra/local/identity-provider.ts locally) creates their account and emails them a
 * temporary password. Its `sub` is the userId every record keys on.
 */
function userPoolId(): string {
  const id = process.env.USER_POOL_ID;
  if (!id) throw new Error('Missing environment variable USER_POOL_ID');
  return id;
}

/** The `sub` of the person with this email: a new account, or theirs if they already have one. */
export async function inviteUser(email: string, name: string): Promise<string> {
  const client = cognitoClient();
  // The pool signs in by email, case-insensitively: one account per lower-cased address.
  const username = email.trim().toLowerCase();
  const UserPoolId = userPoolId();
  try {
    const { User } = await client.send(
      new AdminCreateUserCommand({
        UserPoolId,
        Username: username,
        UserAttributes: [
          { Name: 'email', Value: username },
          { Name: 'name', Value: name },
          { Name: 'email_verified', Value: 'true' },
        ],
        DesiredDeliveryMediums: ['EMAIL'],
      }),
    );
    return subOf(User?.Attributes, username);
  } catch (error) {
    if ((error as Error).name !== 'UsernameExistsException') throw error;
  }
  const existing = await client.send(new AdminGetUserCommand({ UserPoolId, Username: username }));
  return subOf(existing.UserAttributes, username);
}

function subOf(attributes: AttributeType[] | undefined, username: string): string {
  const sub = attributes?.find((attribute) => attribute.Name === 'sub')?.Value;
  if (!sub) throw new Error(`identity provider returned no sub for ${username}`);
  return sub;
}
