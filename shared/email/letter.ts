/**
 * The one layout of the product's notification emails: a greeting, an intro sentence, a table of
 * facts, optional extra blocks, and one action link — as plain text and as escaped HTML.
 */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** An extra block after the facts, in both forms. */
export interface LetterBlock {
  text: string[];
  html: string[];
}

export interface Letter {
  recipientName: string;
  intro: string;
  fields: Array<[label: string, value: string]>;
  extra?: LetterBlock;
  action: string;
  link: string;
}

export function renderLetter(letter: Letter): { text: string; html: string } {
  const e = escapeHtml;
  const text = [
    `Hello ${letter.recipientName},`,
    '',
    letter.intro,
    '',
    ...letter.fields.map(([label, value]) => `${label}: ${value}`),
    ...(letter.extra ? ['', ...letter.extra.text] : []),
    '',
    `${letter.action}: ${letter.link}`,
    '',
  ].join('\n');
  const html = [
    '<!doctype html><html><body style="font-family:Arial,Helvetica,sans-serif;color:#1f2933">',
    `<p>Hello ${e(letter.recipientName)},</p>`,
    `<p>${e(letter.intro)}</p>`,
    '<table cellpadding="4" cellspacing="0" style="border-collapse:collapse">',
    ...letter.fields.map(([label, value]) => `<tr><th align="left">${e(label)}</th><td>${e(value)}</td></tr>`),
    '</table>',
    ...(letter.extra?.html ?? []),
    `<p><a href="${e(letter.link)}">${e(letter.action)}</a></p>`,
    '</body></html>',
  ].join('\n');
  return { text, html };
}
