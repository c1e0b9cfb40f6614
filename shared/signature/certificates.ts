import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pkcs12Of, selfIssuedCertificate } from './pkcs';
import { CreateSecretCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/**
 * Each company's signing certificate (a PKCS#12 bundle: RSA key + self-issued X.509 certificate),
 * with which the built-in signer applies the PAdES signature. Made on first use and kept:
 * locally as a file in the data directory (SIGNING_CERTIFICATE_DIR), in AWS as a secret per
 * company under SIGNING_SECRET_PREFIX (Secrets Manager).
 */
export interface SigningCertificate {
  p12: Buffer;
  passphrase: string;
}

interface StoredCertificate {
  p12Base64: string;
  passphrase: string;
}

export interface CertificateStore {
  load(companyId: string): Promise<StoredCertificate | undefined>;
  /** Keeps `certificate` unless one is already kept (a concurrent first use): answers the one kept. */
  keep(companyId: string, certificate: StoredCertificate): Promise<StoredCertificate>;
}

const safeName = (companyId: string) => encodeURIComponent(companyId).replace(/\./g, '%2E');

export function fileCertificateStore(directory: string): CertificateStore {
  const file = (companyId: string) => path.join(directory, `${safeName(companyId)}.json`);
  const load = async (companyId: string) => {
    try {
      return JSON.parse(await readFile(file(companyId), 'utf8')) as StoredCertificate;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  };
  return {
    load,
    async keep(companyId, certificate) {
      await mkdir(directory, { recursive: true });
      try {
        await writeFile(file(companyId), JSON.stringify(certificate), { flag: 'wx', mode: 0o600 });
        return certificate;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') return (await load(companyId))!;
        throw error;
      }
    },
  };
}

export function secretsManagerCertificateStore(prefix: string, client = new SecretsManagerClient({})): CertificateStore {
  const secretId = (companyId: string) => `${prefix}${safeName(companyId)}`;
  const load = async (companyId: string) => {
    try {
      const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId(companyId) }));
      return SecretString ? (JSON.parse(SecretString) as StoredCertificate) : undefined;
    } catch (error) {
      if ((error as Error).name === 'ResourceNotFoundException') return undefined;
      throw error;
    }
  };
  return {
    load,
    async keep(companyId, certificate) {
      try {
        await client.send(new CreateSecretCommand({ Name: secretId(companyId), SecretString: JSON.stringify(certificate), Description: 'Invoice signing certificate (PKCS#12)' }));
        return certificate;
      } catch (error) {
        if ((error as Error).name === 'ResourceExistsException') return (await load(companyId))!;
        throw error;
      }
    },
  };
}

/** The store the environment names: the data directory locally, Secrets Manager in AWS. */
export function configuredCertificateStore(): CertificateStore {
  const directory = process.env.SIGNING_CERTIFICATE_DIR;
  if (directory) return fileCertificateStore(directory);
  const prefix = process.env.SIGNING_SECRET_PREFIX;
  if (prefix) return secretsManagerCertificateStore(prefix);
  throw new Error('Set SIGNING_CERTIFICATE_DIR (local) or SIGNING_SECRET_PREFIX (AWS) for the signing certificates');
}

/** A new self-issued certificate for `companyName`, valid ten years, in a PKCS#12 bundle with its key. */
export function newSigningCertificate(companyName: string, now = new Date()): StoredCertificate {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  // ASCII names, as the certificates made before (node-forge re-encoded other names differently when it read them back).
  const ascii = (value: string) => value.normalize('NFKD').replace(/[^\x20-\x7e]/g, '').trim().slice(0, 64) || 'Company';
  const certificate = selfIssuedCertificate({
    commonName: `${ascii(companyName).slice(0, 46)} - invoice signing`,
    organizationName: ascii(companyName),
    privateKey,
    publicKey,
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(now.getTime() + 10 * 365 * 24 * 60 * 60 * 1000),
  });
  const passphrase = randomBytes(24).toString('base64url');
  return { p12Base64: pkcs12Of(certificate, privateKey, passphrase).toString('base64'), passphrase };
}

/** The company's certificate, made and kept on first use. */
export async function companySigningCertificate(companyId: string, companyName: string, store = configuredCertificateStore()): Promise<SigningCertificate> {
  const stored = (await store.load(companyId)) ?? (await store.keep(companyId, newSigningCertificate(companyName)));
  return { p12: Buffer.from(stored.p12Base64, 'base64'), passphrase: stored.passphrase };
}
