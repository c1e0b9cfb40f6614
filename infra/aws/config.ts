import type { Node } from 'constructs';

/** Deployment settings, from CDK context (`cdk synth -c emailDomain=...`), with defaults for a sandbox. */
export interface AppConfig {
  /** The SES sending domain. */
  readonly emailDomain: string;
  readonly emailFrom: string;
  /** Where the frontend runs: links in emails, and the origin allowed by CORS. */
  readonly frontendBaseUrl: string;
  readonly frontendOrigin: string;
  /** The account's SES maximum send rate (emails per second, `-c sesSendRate=…`): every sender paces to it. */
  readonly sesSendRate: number;
}

export function readConfig(node: Node): AppConfig {
  const context = (key: string): string | undefined => {
    const value: unknown = node.tryGetContext(key);
    if (value !== undefined && typeof value !== 'string') throw new Error(`context ${key} must be a string`);
    return value;
  };
  const emailDomain = context('emailDomain') ?? 'example.com';
  const frontendBaseUrl = context('frontendBaseUrl') ?? 'https://app.example.com';
  const sesSendRate = Number(context('sesSendRate') ?? 14);
  if (!(sesSendRate > 0)) throw new Error('context sesSendRate must be a positive number');
  return {
    emailDomain,
    emailFrom: context('emailFrom') ?? `billing@${emailDomain}`,
    frontendBaseUrl,
    frontendOrigin: new URL(frontendBaseUrl).origin,
    sesSendRate,
  };
}
