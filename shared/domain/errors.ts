/**
 * The domain's one error family. Domain code throws these; the HTTP chain maps them to
 * problems in one place (shared/http/problem.ts `toProblem`), so handlers never translate.
 */

/** One thing the client must fix: a dotted path in the request body, e.g. `lines.2.quantity`. */
export interface FieldIssue {
  field: string;
  message: string;
}

/** Input the client must fix (→ 400 naming each field). */
export class InputError extends Error {
  constructor(readonly issues: FieldIssue[]) {
    super(issues.map((i) => `${i.field}: ${i.message}`).join('; '));
    this.name = 'InputError';
  }

  /** The same issues with each field renamed, e.g. to the client's numbering of `lines.N`. */
  renamed(rename: (field: string) => string): InputError {
    return new InputError(this.issues.map((issue) => ({ ...issue, field: rename(issue.field) })));
  }
}

/** Input that is well formed but clashes with the stored state (→ 409). */
export class ConflictError extends Error {
  constructor(
    message: string,
    readonly lineId?: string,
  ) {
    super(message);
    this.name = 'ConflictError';
  }
}
