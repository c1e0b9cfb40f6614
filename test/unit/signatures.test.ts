import { describe, expect, it } from 'vitest';
import { sendForSignatureRefusal, signatureLockRefusal, signedMark } from '../../shared/domain/signatures';

describe('sending for signature', () => {
  it('takes a subcontractor invoice once approved, an owner invoice once it left the contractor (under review or answered)', () => {
    const send = (invoiceStatus: Parameters<typeof sendForSignatureRefusal>[0]['invoiceStatus'], document?: 'invoice' | 'owner_invoice') =>
      sendForSignatureRefusal({ invoiceStatus, existing: undefined, signerCount: 1, ...(document ? { document } : {}) });
    expect(send('approved')).toBeUndefined();
    expect(send('under_review')).toMatch(/Only an approved invoice/);
    for (const status of ['under_review', 'approved', 'approved_as_noted'] as const) expect(send(status, 'owner_invoice')).toBeUndefined();
    for (const status of ['draft', 'revise_and_resubmit'] as const) expect(send(status, 'owner_invoice')).toMatch(/sent to the owner or approved can be sent for signature; this one is/);
  });

  it('names who is missing when nobody can sign', () => {
    expect(sendForSignatureRefusal({ invoiceStatus: 'approved', existing: undefined, signerCount: 0 })).toBe('The commitment has no invoice contacts to sign the invoice.');
    expect(sendForSignatureRefusal({ invoiceStatus: 'approved', existing: undefined, signerCount: 0, document: 'owner_invoice' })).toBe('The head contract has no owner contacts to sign the invoice.');
  });

  it('holds an owner invoice under review from going back to be edited while out for signature or signed', () => {
    expect(signatureLockRefusal('delivered', 'revise_and_resubmit')).toMatch(/out for signature/);
    expect(signatureLockRefusal('completed', 'revise_and_resubmit')).toMatch(/is signed/);
    expect(signatureLockRefusal('voided', 'revise_and_resubmit')).toBeUndefined();
    expect(signatureLockRefusal('delivered', 'approved')).toBeUndefined();
  });
});

describe('signedMark', () => {
  it('is the day the request completed in the project’s time zone, and the provider', () => {
    // 2026-12-04 14:30 UTC is already the 5th in Sydney, still the 4th in Toronto.
    expect(signedMark({ completedAt: '2026-12-04T14:30:00.000Z', provider: 'builtin' }, 'Australia/Sydney')).toBe('Signed 2026-12-05 (built-in e-signature)');
    expect(signedMark({ completedAt: '2026-12-04T14:30:00.000Z', provider: 'docusign' }, 'America/Toronto')).toBe('Signed 2026-12-04 (DocuSign)');
  });
});
