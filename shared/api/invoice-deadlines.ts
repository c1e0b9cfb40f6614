/** The regional payment deadlines an invoice answer carries (shared/http/payment-deadlines.ts works them out). */
import type * as z from '../zod';
import type { paymentScheduleDueView, promptPaymentView } from './prompt-payment';

export interface PaymentDeadlines {
  promptPayment: z.infer<typeof promptPaymentView>;
  paymentScheduleDue: z.infer<typeof paymentScheduleDueView>;
}
export const noPaymentDeadlines: PaymentDeadlines = { promptPayment: null, paymentScheduleDue: null };
