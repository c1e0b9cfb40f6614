import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { afterProviderReport, newSignatureRequest } from '../../shared/domain/signatures';
import { connectSignatureValid } from '../../shared/signature/docusign';

const sign = (body: string, key: string) => createHmac('sha256', key).update(body).digest('base64');

describe('Connect HMAC', () => {
  const body = '{"event":"envelope-sent","data":{"envelopeId":"e1"}}';
  it('accepts a message whose signature header matches any of the keys, under any of its numbers', () => {
    expect(connectSignatureValid(body, { 'x-docusign-signature-1': sign(body, 'k1') }, ['k1'])).toBe(true);
    expect(connectSignatureValid(body, { 'x-docusign-signature-1': sign(body, 'old'), 'x-docusign-signature-2': sign(body, 'k2') }, ['k2'])).toBe(true);
    expect(connectSignatureValid(Buffer.from(body), { 'X-DocuSign-Signature-3': sign(body, 'k1') }, ['k0', 'k1'])).toBe(true);
  });
  it('refuses a missing, truncated or foreign signature, a changed body, and a company with no keys', () => {
    expect(connectSignatureValid(body, {}, ['k1'])).toBe(false);
    expect(connectSignatureValid(body, { 'x-docusign-signature-1': sign(body, 'k1').slice(0, 20) }, ['k1'])).toBe(false);
    expect(connectSignatureValid(body, { 'x-docusign-signature-1': sign(body, 'other') }, ['k1'])).toBe(false);
    expect(connectSignatureValid(`${body}\n`, { 'x-docusign-signature-1': sign(body, 'k1') }, ['k1'])).toBe(false);
    expect(connectSignatureValid(body, { 'x-docusign-signature-1': sign(body, 'k1') }, [])).toBe(false);
    expect(connectSignatureValid(body, { 'x-other-signature-1': sign(body, 'k1') }, ['k1'])).toBe(false);
  });
});

describe('a provider report applied to a request', () => {
  const request = newSignatureRequest({
    provider: 'docusign',
    invoiceVersion: 1,
    signers: [
      { userId: 'u1', name: 'Ella', email: 'ella@example.com' },
      { userId: 'u2', name: 'Marco', email: 'marco@example.com' },
    ],
    now: new Date('2027-02-01T00:00:00Z'),
  });
  const at = '2027-02-01T01:00:00Z';

  it('moves signers forward and names the step', () => {
    const signed = afterProviderReport(request, { envelopeStatus: 'sent', at, signers: [{ recipientId: '1', status: 'completed', signedAt: at }, { recipientId: '2', status: 'sent' }] });
    expect(signed?.step).toBe('signature_signed');
    expect(signed?.request.signers.map((s) => s.status)).toEqual(['signed', 'sent']);
    expect(signed?.request.signers[0]?.signedAt).toBe(at);
    // The same report again, or an older one: nothing new.
    expect(afterProviderReport(signed!.request, { envelopeStatus: 'sent', at, signers: [{ recipientId: '1', status: 'completed' }, { recipientId: '2', status: 'sent' }] })).toBeUndefined();
    expect(afterProviderReport(signed!.request, { envelopeStatus: 'sent', at, signers: [{ recipientId: '1', status: 'delivered' }] })).toBeUndefined();
  });

  it('ends the request as DocuSign ended the envelope, and an ended request stays ended', () => {
    const declined = afterProviderReport(request, { envelopeStatus: 'declined', at, signers: [{ recipientId: '1', status: 'declined', declinedAt: at, declinedReason: 'Wrong amount' }] });
    expect(declined).toMatchObject({ step: 'signature_declined', request: { status: 'declined' } });
    expect(declined?.request.signers[0]).toMatchObject({ status: 'declined', declineReason: 'Wrong amount' });
    expect(afterProviderReport(declined!.request, { envelopeStatus: 'completed', at, signers: [] })).toBeUndefined();
    expect(afterProviderReport(request, { envelopeStatus: 'voided', at, voidedReason: 'Envelope has expired.', signers: [] })?.request.status).toBe('expired');
    const completed = afterProviderReport(request, { envelopeStatus: 'completed', at, signers: [] });
    expect(completed?.request.signers.map((s) => s.status)).toEqual(['signed', 'signed']);
  });
});
