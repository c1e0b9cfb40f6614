/**
 * Money's messages, apart from money.ts: importing them does not bundle big.js (whose module
 * builds its constructor at load, a call esbuild cannot drop), which input schemas need no more than this.
 */

/** Money is entered in integer cents: a refused amount's message says so, with an example. */
export const wholeCentsMessage = 'must be a whole number of cents (e.g. 50025 for $500.25)';
