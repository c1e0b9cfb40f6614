import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { localUserId } from './auth';

/**
 * The local user pool: a small HTTP server speaking the Cognito Identity Provider JSON protocol
 * for the two calls the product makes (AdminCreateUser, AdminGetUser), so `shared/identity.ts`
 * runs unchanged against it through `AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER`. A user's `sub`
 * is `localUserId(email)`, the same one `npm run token -- <email>` signs, so an invited person
 * can call the API at once. Users are kept in memory: after a restart, inviting them again
 * yields the same `sub`.
 */
export const localUserPoolId = 'local';

export interface LocalIdentityProvider {
  endpoint: string;
  userPoolId: string;
  stop(): Promise<void>;
}

interface Attribute {
  Name: string;
  Value: string;
}

interface PoolUser {
  sub: string;
  attributes: Attribute[];
  createdAt: number;
}

class CognitoError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

const targetPrefix = 'AWSCognitoIdentityProviderService.';

export async function startLocalIdentityProvider(options: { port?: number } = {}): Promise<LocalIdentityProvider> {
  const users = new Map<string, PoolUser>();

  const operations: Record<string, (input: Record<string, unknown>) => unknown> = {
    AdminCreateUser(input) {
      const username = usernameOf(input);
      if (users.has(username)) throw new CognitoError('UsernameExistsException', 'An account with the given email already exists.');
      const given = Array.isArray(input.UserAttributes) ? (input.UserAttributes as Attribute[]) : [];
      const email = given.find((a) => a.Name === 'email')?.Value ?? username;
      const sub = localUserId(email);
      const attributes = [{ Name: 'sub', Value: sub }, ...given.filter((a) => a.Name !== 'sub')];
      const user: PoolUser = { sub, attributes, createdAt: Math.floor(Date.now() / 1000) };
      users.set(username, user);
      return {
        User: {
          Username: sub,
          Attributes: user.attributes,
          Enabled: true,
          UserStatus: 'FORCE_CHANGE_PASSWORD',
          UserCreateDate: user.createdAt,
          UserLastModifiedDate: user.createdAt,
        },
      };
    },
    AdminGetUser(input) {
      const user = users.get(usernameOf(input));
      if (!user) throw new CognitoError('UserNotFoundException', 'User does not exist.');
      return {
        Username: user.sub,
        UserAttributes: user.attributes,
        Enabled: true,
        UserStatus: 'FORCE_CHANGE_PASSWORD',
        UserCreateDate: user.createdAt,
        UserLastModifiedDate: user.createdAt,
      };
    },
  };

  const server = http.createServer((req, res) => {
    handle(req, operations)
      .then((body) => send(res, 200, body))
      .catch((error: unknown) => {
        const { type, message } =
          error instanceof CognitoError ? error : new CognitoError('InternalErrorException', (error as Error).message);
        send(res, type === 'InternalErrorException' ? 500 : 400, { __type: type, message }, type);
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    userPoolId: localUserPoolId,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(req: IncomingMessage, operations: Record<string, (input: Record<string, unknown>) => unknown>) {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const target = String(req.headers['x-amz-target'] ?? '');
  const operation = target.startsWith(targetPrefix) ? operations[target.slice(targetPrefix.length)] : undefined;
  if (req.method !== 'POST' || !operation) {
    throw new CognitoError('UnknownOperationException', `The local user pool does not implement ${target || 'this request'}.`);
  }
  let input: Record<string, unknown>;
  try {
    input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
  } catch {
    throw new CognitoError('SerializationException', 'The request body is not valid JSON.');
  }
  if (input.UserPoolId !== localUserPoolId) {
    throw new CognitoError('ResourceNotFoundException', `User pool ${String(input.UserPoolId)} does not exist.`);
  }
  return operation(input);
}

/** The pool signs in by email, case-insensitively, as the AWS one is configured. */
function usernameOf(input: Record<string, unknown>): string {
  if (typeof input.Username !== 'string' || input.Username.trim() === '') {
    throw new CognitoError('InvalidParameterException', 'Username is required.');
  }
  return input.Username.trim().toLowerCase();
}

function send(res: ServerResponse, status: number, body: unknown, errorType?: string) {
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
  });
  res.end(JSON.stringify(body));
}
