import type { HttpInput, Reply } from '../../../shared/http/handler';
import { HttpProblem, problems } from '../../../shared/http/problem';
import { loadInvoice } from '../../../shared/db/invoices';
import { loadCommitment } from '../../../shared/db/commitments';
import { outboxRecord } from '../../../shared/db/outbox-record';
import type { InvoiceSignatureItem } from '../../../shared/db/entities/signature';
import { afterProviderReport, type ProviderReport } from '../../../shared/domain/signatures';
import type { ProjectItem } from '../../../shared/db/entities/project';
import type { InvoiceItem } from '../../../shared/db/invoices';
import { connectMessage, connectSignatureValid, reportOfConnect } from '../../../shared/signature/docusign';
import { configuredDocusignSecretStore } from '../../../shared/signature/docusign-secrets';
import { writeSignatureStep } from './step';
import { signatureEntities } from './entities';
import { docusignRequestedEvent } from '../../../events/contracts';

/** Who the history names for a step DocuSign reported. */
const docusignActor = 'docusign';

const notDocusign = () => problems.unauthorized('The message is not signed with one of the company’s DocuSign Connect keys.');

/**
 * DocuSign Connect for one invoice's envelope (the URL its envelope names). The raw body's HMAC
 * is checked against the company's Connect keys before anything is read; the message is then
 * applied as a signature step (statuses only move forward, so a message repeated or replayed
 * changes nothing and records nothing). On completion the step also asks the DocuSign consumer
 * to store the combined signed PDF and the certificate of completion. Answers 200 for anything
 * DocuSign need not send again; a non-200 makes Connect retry.
 */
export async function docusignConnect({ path, event, headers }: HttpInput<'docusignConnect'>): Promise<Reply> {
  const now = new Date();
  const raw = Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8');
  const { data: project } = await signatureEntities().Project.get({ projectId: path.projectId }).go();
  // An unknown project answers as a bad signature does: the route says nothing to who cannot sign.
  const secrets = project && (await configuredDocusignSecretStore().load(project.companyId));
  if (!project || !secrets || !connectSignatureValid(raw, headers, secrets.connectHmacKeys)) throw notDocusign();

  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    throw problems.malformedJson('the Connect message is not JSON (choose the JSON format and SIM delivery mode in the Connect configuration)');
  }
  const parsed = connectMessage.safeParse(json);
  if (!parsed.success) throw problems.validation(parsed.error.issues.map((issue) => ({ location: 'body', field: issue.path.map(String).join('.'), message: issue.message })));
  const message = parsed.data;

  const key = { projectId: path.projectId, invoiceId: path.invoiceId };
  const [{ data: signature }, invoice] = await Promise.all([signatureEntities().InvoiceSignature.get(key).go({ consistent: true }), loadInvoice(path.projectId, path.invoiceId, { consistent: true })]);
  if (!signature || !invoice || signature.provider !== 'docusign') return { body: { applied: false, status: signature?.status ?? null } };
  if (!signature.envelopeId) {
    // The envelope was made but its id is not recorded yet (Connect can be faster): Connect retries.
    if (signature.envelopeClaimedAt) throw problems.busy('signature request');
    return { body: { applied: false, status: signature.status } };
  }
  // A message about another envelope (an earlier, voided request of this invoice) changes nothing.
  if (signature.envelopeId !== message.data.envelopeId) return { body: { applied: false, status: signature.status } };

  const after = await applyProviderReport({ project, invoice, signature, report: reportOfConnect(message, now), source: message.event, now });
  return { body: after ? { applied: true, status: after.status } : { applied: false, status: signature.status } };
}

/**
 * A provider's report applied as a signature step (from Connect, or the polling fallback): the new
 * statuses and their history entry, and on completion the call that stores the signed documents.
 * Answers the request as written, or undefined when the report said nothing new.
 */
export async function applyProviderReport(input: {
  project: ProjectItem;
  invoice: InvoiceItem;
  signature: InvoiceSignatureItem;
  report: ProviderReport;
  /** What reported it: the Connect event, or `poll`. */
  source: string;
  now: Date;
}): Promise<InvoiceSignatureItem | undefined> {
  const { project, invoice, signature, report, now } = input;
  const next = afterProviderReport(signature, report);
  if (!next) return undefined;
  const commitment = await loadCommitment(project.projectId, invoice.commitmentId);
  if (!commitment) throw problems.notFound('The invoice’s commitment no longer exists.');
  const at = now.toISOString();
  const after: InvoiceSignatureItem = {
    ...signature,
    ...next.request,
    ...(next.request.status === 'completed' ? { completedAt: at } : {}),
    ...(next.request.status === 'voided' || next.request.status === 'expired' ? { voidedAt: at, voidedBy: docusignActor, ...(report.voidedReason ? { voidReason: report.voidedReason } : {}) } : {}),
    version: signature.version + 1,
  };
  const changed = after.signers.filter((s, index) => s.status !== signature.signers[index]?.status).map((s) => ({ signer: s.name, status: s.status }));
  try {
    await writeSignatureStep({
      loaded: { project, invoice, commitment },
      before: signature,
      after,
      invoice: { set: { signatureStatus: after.status } },
      event: { type: next.step, by: docusignActor, changes: { provider: 'docusign', envelopeId: signature.envelopeId, reportedBy: input.source, signers: changed } },
      emails: [],
      records:
        after.status === 'completed'
          ? [outboxRecord(docusignRequestedEvent, { projectId: project.projectId, invoiceId: invoice.invoiceId, sentAt: signature.sentAt, action: 'store-completed' }, now)]
          : [],
      now,
    });
  } catch (error) {
    // Another report was applied meanwhile: Connect sends this one again, and it is read afresh.
    if (error instanceof HttpProblem && error.status === 409) throw problems.busy('signature request');
    throw error;
  }
  return after;
}
