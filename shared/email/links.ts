/**
 * Links into the web app that emails carry. Apart from the notifications that render amounts, so a
 * function that only links (signing steps) does not bundle money formatting (and big.js with it).
 */
export function invoiceLink(frontendBaseUrl: string, projectId: string, invoiceId: string): string {
  return `${frontendBaseUrl.replace(/\/+$/, '')}/projects/${encodeURIComponent(projectId)}/invoices/${encodeURIComponent(invoiceId)}`;
}

export function ownerInvoiceLink(frontendBaseUrl: string, projectId: string, ownerInvoiceId: string): string {
  return `${frontendBaseUrl.replace(/\/+$/, '')}/projects/${encodeURIComponent(projectId)}/owner-invoices/${encodeURIComponent(ownerInvoiceId)}`;
}
