import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import forge from 'node-forge';
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

/** A new self-issued certificate for `companyName`, valid ten years. The key is made by Node (fast), the certificate by forge. */
export function newSigningCertificate(companyName: string, now = new Date()): StoredCertificate {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const key = forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs1', format: 'pem' }).toString());
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  // A positive serial: the first byte's high bit clear.
  cert.serialNumber = `01${randomBytes(15).toString('hex')}`;
  cert.validity.notBefore = new Date(now.getTime() - 60_000);
  cert.validity.notAfter = new Date(now.getTime() + 10 * 365 * 24 * 60 * 60 * 1000);
  // ASCII only: forge re-encodes non-ASCII names differently when it reads the bundle back to sign,
  // and the signature's issuer then no longer matches the certificate's (verifiers reject it).
  const ascii = (value: string) => value.normalize('NFKD').replace(/[^\x20-\x7e]/g, '').trim().slice(0, 64) || 'Company';
  // forge types the tag as a class, though it takes the string type here.
  const utf8String = forge.asn1.Type.UTF8 as unknown as forge.asn1.Class;
  const name = [
    { name: 'commonName', value: `${ascii(companyName).slice(0, 46)} - invoice signing`, valueTagClass: utf8String },
    { name: 'organizationName', value: ascii(companyName), valueTagClass: utf8String },
  ];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, nonRepudiation: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(key, forge.md.sha256.create());
  const passphrase = randomBytes(24).toString('base64url');
  const p12 = forge.pkcs12.toPkcs12Asn1(key, [cert], passphrase, { algorithm: '3des' });
  return { p12Base64: Buffer.from(forge.asn1.toDer(p12).getBytes(), 'binary').toString('base64'), passphrase };
}

/** The company's certificate, made and kept on first use. */
export async function companySigningCertificate(companyId: string, companyName: string, store = configuredCertificateStore()): Promise<SigningCertificate> {
  const stored = (await store.load(companyId)) ?? (await store.keep(companyId, newSigningCertificate(companyName)));
  return { p12: Buffer.from(stored.p12Base64, 'base64'), passphrase: stored.passphrase };
}
