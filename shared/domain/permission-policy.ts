/**
 * The whole permission matrix, assembled from its rows (shared/domain/permission-rules.ts): for what
 * lists or checks every action (the route tables' `action`, the matrix tests). A route enforcing a
 * few rows imports them from permission-rules.ts instead, and so does not bundle this.
 */
import * as rules from './permission-rules';

type Rule = (typeof rules)[keyof typeof rules];
export type Action = Rule['action'];

/** Every row by its action. */
export const policy = Object.fromEntries(Object.values(rules).map((rule) => [rule.action, rule])) as { readonly [R in Rule as R['action']]: R };
