import type { Email } from 'aws-ses-v2-local/dist/store';

/** The emails aws-ses-v2-local has received, read back from its store over HTTP. */
export async function sentEmails(subject?: string, endpoint = process.env.AWS_ENDPOINT_URL_SESV2!): Promise<Email[]> {
  const response = await fetch(`${endpoint}/store`);
  if (!response.ok) throw new Error(`mailbox answered ${response.status}`);
  const { emails } = (await response.json()) as { emails: Email[] };
  return subject === undefined ? emails : emails.filter((e) => e.subject === subject);
}
