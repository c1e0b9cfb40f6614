/**
 * ElectroDB `where` conditions built from the domain's rules (shared/domain/invoice-rules.ts),
 * so a write re-checks exactly what the handler decided on, with the same lists.
 */
interface Ops<A> {
  eq: (attribute: A, value: string) => string;
  gte: (attribute: A, value: string) => string;
}

/** The attribute holds one of `values` (e.g. the invoice is still in an editable status). */
export function isOneOf<A>(op: Ops<A>, attribute: A, values: readonly string[]): string {
  return values.map((value) => op.eq(attribute, value)).join(' OR ');
}

/** The period's due date is today or later: the write-time guard of `deadlineRefusal`. */
export function notPastDue<A>(op: Ops<A>, dueDate: A, today: string): string {
  return op.gte(dueDate, today);
}

/** A conditional write (or a transaction's condition) failed: DynamoDB's answer, or ElectroDB's wrapping of it. */
export function isConditionalFailure(error: unknown): boolean {
  const cause = (error as { cause?: { name?: string } } | null)?.cause;
  return (error as Error | null)?.name === 'ConditionalCheckFailedException' || cause?.name === 'ConditionalCheckFailedException';
}
