import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/**
 * A company's DocuSign secrets: the RSA private key of its integration key (JWT grant) and its
 * Connect HMAC keys (one or more: DocuSign signs each message with every active key, so a key is
 * rotated by adding the new one before removing the old). Kept as the signing certificates are
 * (shared/signature/certificates.ts): locally a file in the data directory (DOCUSIGN_SECRET_DIR),
 * in AWS a secret per company under DOCUSIGN_SECRET_PREFIX. An administrator provisions them.
 */
export interface DocusignSecrets {
  /** PEM, PKCS#1 or PKCS#8, as DocuSign's admin page hands it out. */
  privateKeyPem: string;
  connectHmacKeys: string[];
}

export interface DocusignSecretStore {
  load(companyId: string): Promise<DocusignSecrets | undefined>;
}

const safeName = (companyId: string) => encodeURIComponent(companyId).replace(/\./g, '%2E');

export function fileDocusignSecretStore(directory: string) {
  const file = (companyId: string) => path.join(directory, `${safeName(companyId)}.json`);
  return {
    async load(companyId: string): Promise<DocusignSecrets | undefined> {
      try {
        return JSON.parse(await readFile(file(companyId), 'utf8')) as DocusignSecrets;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    /** Locally, what an administrator does in Secrets Manager: keeps the company's secrets. */
    async keep(companyId: string, secrets: DocusignSecrets): Promise<void> {
      await mkdir(directory, { recursive: true });
      await writeFile(file(companyId), JSON.stringify(secrets), { mode: 0o600 });
    },
  };
}

export function secretsManagerDocusignSecretStore(prefix: string, client = new SecretsManagerClient({})): DocusignSecretStore {
  return {
    async load(companyId) {
      try {
        const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: `${prefix}${safeName(companyId)}` }));
        return SecretString ? (JSON.parse(SecretString) as DocusignSecrets) : undefined;
      } catch (error) {
        if ((error as Error).name === 'ResourceNotFoundException') return undefined;
        throw error;
      }
    },
  };
}

/** The store the environment names: the data directory locally, Secrets Manager in AWS. */
export function configuredDocusignSecretStore(): DocusignSecretStore {
  const directory = process.env.DOCUSIGN_SECRET_DIR;
  if (directory) return fileDocusignSecretStore(directory);
  const prefix = process.env.DOCUSIGN_SECRET_PREFIX;
  if (prefix) return secretsManagerDocusignSecretStore(prefix);
  throw new Error('Set DOCUSIGN_SECRET_DIR (local) or DOCUSIGN_SECRET_PREFIX (AWS) for the DocuSign secrets');
}
