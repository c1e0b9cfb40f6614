/** The notices of non-payment's documentation (OpenAPI only: no handler imports it). */
import type { OperationIdOf, RouteDocs } from '../wiring/route-definition';
import type { nonPaymentNoticeRoutes } from './non-payment-notices';
import { nonPaymentNotice, nonPaymentNoticeList } from './prompt-payment';

export const nonPaymentNoticeDocs = {
  listNonPaymentNotices: {
    summary: 'The notices of non-payment given on an invoice (en-CA projects), with its prompt-payment dates',
    tags: ['prompt payment'],
    response: { description: 'The notices, oldest first', schema: nonPaymentNoticeList },
  },
  giveNonPaymentNotice: {
    summary: 'Give a notice of non-payment on an invoice (Ontario Construction Act; by its deadline), emailed to the invoice contacts',
    tags: ['prompt payment'],
    response: { description: 'The notice as recorded (ETag: the invoice’s new version)', schema: nonPaymentNotice },
  },
} satisfies Record<OperationIdOf<typeof nonPaymentNoticeRoutes>, RouteDocs>;
