import { SESv2Client } from '@aws-sdk/client-sesv2';

/** One SESv2 client per process; `AWS_ENDPOINT_URL_SESV2` points it at aws-ses-v2-local locally. */
let ses: SESv2Client | undefined;

export function sesClient(): SESv2Client {
  ses ??= new SESv2Client({});
  return ses;
}
