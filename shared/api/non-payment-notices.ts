import type { RouteDefinition } from '../wiring/route-definition';
import { invoicePath } from './common';
import { nonPaymentNotice, nonPaymentNoticeBody, nonPaymentNoticeList } from './prompt-payment';

const noticesPath = '/v1/projects/{projectId}/invoices/{invoiceId}/notices-of-non-payment';

export const nonPaymentNoticeRoutes = [
  {
    operationId: 'listNonPaymentNotices',
    method: 'GET',
    path: noticesPath,
    function: 'nonPaymentNotices',
    auth: 'jwt',
    action: 'invoices.view',
    summary: 'The notices of non-payment given on an invoice (en-CA projects), with its prompt-payment dates',
    tags: ['prompt payment'],
    request: { path: invoicePath },
    response: { status: 200, description: 'The notices, oldest first', schema: nonPaymentNoticeList },
  },
  {
    operationId: 'giveNonPaymentNotice',
    method: 'POST',
    path: noticesPath,
    function: 'nonPaymentNotices',
    auth: 'jwt',
    action: 'non_payment_notices.give',
    summary: 'Give a notice of non-payment on an invoice (Ontario Construction Act; by its deadline), emailed to the invoice contacts',
    tags: ['prompt payment'],
    request: { path: invoicePath, body: nonPaymentNoticeBody },
    response: { status: 201, description: 'The notice as recorded (ETag: the invoice’s new version)', schema: nonPaymentNotice },
  },
] as const satisfies readonly RouteDefinition[];
