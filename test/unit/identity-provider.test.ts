import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
  UserNotFoundException,
  UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localUserId } from '../../infra/local/auth';
import { startLocalIdentityProvider, type LocalIdentityProvider } from '../../infra/local/identity-provider';
import { inviteUser } from '../../shared/identity';

/** The local user pool, through the real Cognito SDK client, and `inviteUser` on top of it. */
let pool: LocalIdentityProvider;
let client: CognitoIdentityProviderClient;

beforeAll(async () => {
  pool = await startLocalIdentityProvider();
  // The SDK's own variable for this service (serviceId "Cognito Identity Provider"): what the runtime sets.
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: pool.endpoint,
    USER_POOL_ID: pool.userPoolId,
    AWS_REGION: 'ap-southeast-2',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
  });
  client = new CognitoIdentityProviderClient({});
});

afterAll(async () => {
  client?.destroy();
  await pool?.stop();
});

describe('local identity provider', () => {
  it('creates a user whose sub is localUserId(email), then refuses the same username', async () => {
    const created = await client.send(
      new AdminCreateUserCommand({
        UserPoolId: 'local',
        Username: 'kim@vendor.example',
        UserAttributes: [
          { Name: 'email', Value: 'kim@vendor.example' },
          { Name: 'name', Value: 'Kim Lee' },
        ],
        DesiredDeliveryMediums: ['EMAIL'],
      }),
    );
    expect(created.User?.Attributes).toEqual(
      expect.arrayContaining([
        { Name: 'sub', Value: localUserId('kim@vendor.example') },
        { Name: 'name', Value: 'Kim Lee' },
      ]),
    );
    expect(created.User?.UserCreateDate).toBeInstanceOf(Date);
    await expect(
      client.send(new AdminCreateUserCommand({ UserPoolId: 'local', Username: 'KIM@vendor.example' })),
    ).rejects.toBeInstanceOf(UsernameExistsException);

    const fetched = await client.send(new AdminGetUserCommand({ UserPoolId: 'local', Username: 'Kim@Vendor.example' }));
    expect(fetched.UserAttributes).toContainEqual({ Name: 'sub', Value: localUserId('kim@vendor.example') });
  });

  it('answers UserNotFoundException for an unknown user and ResourceNotFoundException for another pool', async () => {
    await expect(
      client.send(new AdminGetUserCommand({ UserPoolId: 'local', Username: 'nobody@example.com' })),
    ).rejects.toBeInstanceOf(UserNotFoundException);
    await expect(
      client.send(new AdminGetUserCommand({ UserPoolId: 'eu-west-1_other', Username: 'kim@vendor.example' })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('inviteUser creates the account once and finds it after', async () => {
    const sub = await inviteUser(' Jo@Vendor.example ', 'Jo Park');
    expect(sub).toBe(localUserId('jo@vendor.example'));
    expect(await inviteUser('jo@vendor.example', 'Jo Park')).toBe(sub);
  });
});
