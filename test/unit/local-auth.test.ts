import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT, generateKeyPair, importJWK, type JWK } from 'jose';
import {
  TokenError,
  localAudience,
  localIssuer,
  localUserId,
  openLocalIdp,
  signingKeyPath,
  type LocalIdp,
} from '../../infra/local/auth';

const priya = { sub: localUserId('priya@northbeam.example'), email: 'priya@northbeam.example', name: 'Priya Patel' };

let dataDir: string;
let idp: LocalIdp;
beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-auth-'));
  idp = await openLocalIdp(dataDir);
});
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

/** Signs arbitrary claims with the provider's own key, read from disk as the provider does. */
async function signWithLocalKey(claims: Record<string, unknown>, kid?: string) {
  const jwk = JSON.parse(fs.readFileSync(signingKeyPath(dataDir), 'utf8')) as JWK;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: kid ?? jwk.kid! })
    .sign(await importJWK(jwk, 'RS256'));
}
const now = () => Math.floor(Date.now() / 1000);
const validClaims = () => ({ sub: priya.sub, iss: localIssuer, aud: localAudience, iat: now(), exp: now() + 600 });

async function refusal(token: Promise<string> | string): Promise<string> {
  const error = await idp.verifyToken(await token).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TokenError);
  return (error as TokenError).message;
}

describe('local identity provider', () => {
  it('issues Cognito-ID-like tokens whose claims come back as strings', async () => {
    const claims = await idp.verifyToken(await idp.signToken(priya));
    expect(claims).toMatchObject({
      sub: priya.sub,
      email: priya.email,
      name: priya.name,
      iss: localIssuer,
      aud: localAudience,
      token_use: 'id',
    });
    for (const claim of ['iat', 'exp', 'auth_time']) expect(claims[claim]).toMatch(/^\d+$/);
    expect(Number(claims.exp) - Number(claims.iat)).toBe(12 * 3600);
  });

  it('keeps its key on disk: a provider reopened on the same directory accepts earlier tokens', async () => {
    const token = await idp.signToken(priya, '5m');
    const reopened = await openLocalIdp(dataDir);
    await expect(reopened.verifyToken(token)).resolves.toMatchObject({ sub: priya.sub });
    expect(reopened.jwks).toEqual(idp.jwks);
    expect(idp.jwks.keys[0]).not.toHaveProperty('d');
    expect(idp.jwks.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
  });

  it('refuses an expired token', async () => {
    expect(await refusal(idp.signToken(priya, '-1m'))).toBe('Token expired');
  });

  it('tolerates a few seconds of clock skew, not more', async () => {
    await expect(idp.verifyToken(await signWithLocalKey({ ...validClaims(), exp: now() - 2 }))).resolves.toBeDefined();
    expect(await refusal(signWithLocalKey({ ...validClaims(), exp: now() - 30 }))).toBe('Token expired');
    expect(await refusal(signWithLocalKey({ ...validClaims(), nbf: now() + 60 }))).toBe('Token not yet valid');
  });

  it('refuses a token for another audience or from another issuer', async () => {
    expect(await refusal(signWithLocalKey({ ...validClaims(), aud: 'another-client' }))).toBe('Token audience invalid');
    expect(await refusal(signWithLocalKey({ ...validClaims(), iss: 'https://cognito-idp.example' }))).toBe('Token issuer invalid');
  });

  it('refuses a token issued in the future, as API Gateway does (beyond the few seconds of skew)', async () => {
    expect(await refusal(signWithLocalKey({ ...validClaims(), iat: now() + 120 }))).toBe('Token issued in the future');
    await expect(idp.verifyToken(await signWithLocalKey({ ...validClaims(), iat: now() + 2 }))).resolves.toBeDefined();
  });

  it('accepts a Cognito access token (client_id instead of aud, no email); refuses one for another client', async () => {
    const claims = await idp.verifyToken(await idp.signAccessToken(priya.sub));
    expect(claims).toMatchObject({ sub: priya.sub, client_id: localAudience, token_use: 'access' });
    expect(claims.email).toBeUndefined();
    const { aud: _aud, ...withoutAud } = validClaims();
    expect(await refusal(signWithLocalKey({ ...withoutAud, client_id: 'another-client' }))).toBe('Token audience invalid');
    expect(await refusal(signWithLocalKey(withoutAud))).toBe('Token audience invalid');
  });

  it('refuses a tampered token', async () => {
    const [header, payload, signature] = (await idp.signToken(priya)).split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: localUserId('noah@northbeam.example') })).toString('base64url');
    expect(await refusal(`${header}.${forged}.${signature}`)).toBe('Token signature invalid');
  });

  it('refuses a token signed by another key, a token without exp, and garbage', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const foreign = await new SignJWT(validClaims()).setProtectedHeader({ alg: 'RS256', kid: 'someone-else' }).sign(privateKey);
    expect(await refusal(foreign)).toBe('Token signed by an unknown key');
    const sameKidOtherKey = await new SignJWT(validClaims())
      .setProtectedHeader({ alg: 'RS256', kid: idp.jwks.keys[0]!.kid! })
      .sign(privateKey);
    expect(await refusal(sameKidOtherKey)).toBe('Token signature invalid');
    const { exp: _exp, ...withoutExp } = validClaims();
    expect(await refusal(signWithLocalKey(withoutExp))).toBe('Token claim exp invalid');
    expect(await refusal('not-a-jwt')).toBe('Token malformed');
  });
});

describe('localUserId', () => {
  it('is a stable v5-style UUID of the lower-cased email', () => {
    const id = localUserId('Priya@Northbeam.example');
    expect(id).toBe(localUserId('priya@northbeam.example'));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(id).not.toBe(localUserId('sam@northbeam.example'));
  });
});
