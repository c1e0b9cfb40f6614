import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import {
  SignJWT,
  calculateJwkThumbprint,
  createLocalJWKSet,
  errors,
  exportJWK,
  generateKeyPair,
  importJWK,
  jwtVerify,
  type JSONWebKeySet,
  type JWK,
  type JWTPayload,
} from 'jose';

/**
 * The local identity provider: it signs Cognito-ID-token-like JWTs with one RS256 key kept on
 * disk (so tokens survive restarts), and verifies them as API Gateway's JWT authorizer does.
 */
export const localIssuer = 'https://local-idp.progress-claims.dev';
/** The audience (Cognito app client id) the local authorizer accepts. */
export const localAudience = 'progress-claims-local';
/** Clock skew tolerated on exp/nbf, as a few seconds at most. */
const clockToleranceSeconds = 5;

export interface LocalIdentity {
  sub: string;
  email: string;
  name: string;
}

/** A token the authorizer refuses; the message says why, as the 401's detail. */
export class TokenError extends Error {
  override name = 'TokenError';
}

export interface LocalIdp {
  /** The public keys, as served at `/.well-known/jwks.json`. */
  readonly jwks: JSONWebKeySet;
  signToken(identity: LocalIdentity, ttl?: string): Promise<string>;
  /** A Cognito-access-token-like JWT: `client_id` instead of `aud`, no email or name. */
  signAccessToken(sub: string, ttl?: string): Promise<string>;
  /** The verified claims, every value a string as API Gateway passes them; throws TokenError. */
  verifyToken(token: string): Promise<Record<string, string>>;
}

export const signingKeyPath = (dataDir: string) => path.join(dataDir, 'auth', 'signing-key.json');

/** Opens the identity provider of a data directory, creating its signing key on first use. */
export async function openLocalIdp(dataDir: string): Promise<LocalIdp> {
  const privateJwk = await loadOrCreateKey(signingKeyPath(dataDir));
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = privateJwk;
  const jwks: JSONWebKeySet = { keys: [publicJwk] };
  const privateKey = await importJWK(privateJwk, 'RS256');
  const keySet = createLocalJWKSet(jwks);

  return {
    jwks,
    async signToken({ sub, email, name }, ttl = '12h') {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ email, name, token_use: 'id', auth_time: now })
        .setProtectedHeader({ alg: 'RS256', kid: privateJwk.kid!, typ: 'JWT' })
        .setIssuer(localIssuer)
        .setAudience(localAudience)
        .setSubject(sub)
        .setIssuedAt(now)
        .setExpirationTime(ttl)
        .sign(privateKey);
    },
    async signAccessToken(sub, ttl = '1h') {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ client_id: localAudience, token_use: 'access', scope: 'aws.cognito.signin.user.admin', auth_time: now })
        .setProtectedHeader({ alg: 'RS256', kid: privateJwk.kid!, typ: 'JWT' })
        .setIssuer(localIssuer)
        .setSubject(sub)
        .setIssuedAt(now)
        .setExpirationTime(ttl)
        .sign(privateKey);
    },
    async verifyToken(token) {
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, keySet, {
          issuer: localIssuer,
          algorithms: ['RS256'],
          clockTolerance: clockToleranceSeconds,
          requiredClaims: ['exp', 'sub'],
        }));
      } catch (error) {
        throw new TokenError(refusal(error));
      }
      // As API Gateway's JWT authorizer: `aud` must name the client, or, without `aud` (Cognito access tokens), `client_id`.
      const audiences = payload.aud === undefined ? [] : [payload.aud].flat();
      const client = payload.aud === undefined ? payload.client_id : undefined;
      if (!audiences.includes(localAudience) && client !== localAudience) throw new TokenError('Token audience invalid');
      // …and `iat` must be in the past.
      if (typeof payload.iat === 'number' && payload.iat > Date.now() / 1000 + clockToleranceSeconds) throw new TokenError('Token issued in the future');
      return Object.fromEntries(Object.entries(payload).map(([claim, value]) => [claim, claimString(value)]));
    },
  };
}

async function loadOrCreateKey(file: string): Promise<JWK> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as JWK;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = await exportJWK(privateKey);
  const { kty, n, e } = jwk;
  const key: JWK = { ...jwk, kid: await calculateJwkThumbprint({ kty, n, e }), alg: 'RS256', use: 'sig' };
  await fs.mkdir(path.dirname(file), { recursive: true });
  try {
    // `wx`: when `npm start` and `npm run token` race to create it, the first one wins.
    await fs.writeFile(file, JSON.stringify(key, null, 2), { flag: 'wx', mode: 0o600 });
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return JSON.parse(await fs.readFile(file, 'utf8')) as JWK;
  }
}

/** API Gateway hands claims to the handler as strings; arrays look like `[a b]`. */
function claimString(value: unknown): string {
  if (Array.isArray(value)) return `[${value.join(' ')}]`;
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}

function refusal(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'Token expired';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'Token signature invalid';
  if (error instanceof errors.JWKSNoMatchingKey) return 'Token signed by an unknown key';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'Token algorithm not allowed (RS256 only)';
  if (error instanceof errors.JWTClaimValidationFailed) {
    const claims: Record<string, string> = { iss: 'Token issuer invalid', aud: 'Token audience invalid', nbf: 'Token not yet valid', iat: 'Token issued in the future' };
    return claims[error.claim] ?? `Token claim ${error.claim} invalid`;
  }
  return 'Token malformed';
}

// Any fixed UUID will do: it scopes the derived ids to this project.
const namespace = Buffer.from('3f6c2a1e8b9d4c57a0e1d2c3b4a59687', 'hex');

/** A name-based (v5-style) UUID: the same name always gives the same id. */
export function stableUuid(name: string): string {
  const bytes = createHash('sha1').update(namespace).update(name).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The `sub` of a local user: the seed and `npm run token` agree on it without talking. */
export function localUserId(email: string): string {
  return stableUuid(email.trim().toLowerCase());
}
