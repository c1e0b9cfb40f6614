import { describe, expect, it } from 'vitest';
import { dateInWords, renderInviteEmail, type InviteEmailInput } from '../../shared/email/invite';
import { escapeHtml } from '../../shared/email/letter';

const input = (overrides: Partial<InviteEmailInput> = {}): InviteEmailInput => ({
  kind: 'invite',
  region: 'en-AU',
  frontendBaseUrl: 'https://app.progress-claims.test/',
  projectId: 'p-1',
  projectName: 'Harbour Tower',
  inviteId: 'bp-7.c-42',
  commitment: { number: 'SC-001', title: 'Interior framing and drywall' },
  invoiceType: 'work_materials_retainage',
  period: { startDate: '2027-01-01', endDate: '2027-01-31', dueDate: '2027-01-25' },
  inviterName: 'Priya Patel',
  contactName: 'Ella Nguyen',
  ...overrides,
});

describe('invite to bill email', () => {
  it('has the subject of the specification, exactly', () => {
    expect(renderInviteEmail(input()).subject).toBe('Harbour Tower: Priya Patel has invited you to bill.');
  });

  it('shows commitment, invoice type, period, due date, inviter and the link, in en-AU terms', () => {
    const { text, html, link } = renderInviteEmail(input());
    expect(link).toBe('https://app.progress-claims.test/projects/p-1/invites/bp-7.c-42');
    expect(text).toBe(
      [
        'Hello Ella Nguyen,',
        '',
        'Priya Patel has invited you to submit a progress claim on Harbour Tower for the billing period below.',
        '',
        'Commitment: SC-001 – Interior framing and drywall',
        'Progress Claim type: Work completed, stored materials and retention',
        'Billing period: 1 January 2027 – 31 January 2027',
        'Due date: 25 January 2027',
        'Invited by: Priya Patel',
        '',
        'Respond to the invite: https://app.progress-claims.test/projects/p-1/invites/bp-7.c-42',
        '',
      ].join('\n'),
    );
    expect(html).toContain('<th align="left">Progress Claim type</th><td>Work completed, stored materials and retention</td>');
    expect(html).toContain('<td>25 January 2027</td>');
    expect(html).toContain('<a href="https://app.progress-claims.test/projects/p-1/invites/bp-7.c-42">Respond to the invite</a>');
  });

  it('speaks en-US (invoice, retainage, month-first dates) and en-GB / en-CA terms', () => {
    const us = renderInviteEmail(input({ region: 'en-US', invoiceType: 'retainage_release' }));
    expect(us.text).toContain('invited you to submit an invoice on Harbour Tower');
    expect(us.text).toContain('Invoice type: Retainage release');
    expect(us.text).toContain('Due date: January 25, 2027');
    expect(us.text).not.toMatch(/retention|progress claim/i);

    expect(renderInviteEmail(input({ region: 'en-GB' })).text).toContain('Payment Application type: Work completed, stored materials and retention');
    expect(renderInviteEmail(input({ region: 'en-CA', invoiceType: 'retainage_release' })).text).toContain('Invoice type: Holdback release');
    expect(renderInviteEmail(input({ invoiceType: 'work_materials' })).text).toContain('Progress Claim type: Work completed and stored materials');
  });

  it('escapes every value in the HTML, and only there', () => {
    const hostile = input({
      projectName: 'Tower <b>&</b> "Co"',
      inviterName: "O'Brien <script>alert(1)</script>",
      contactName: 'Ella & Co',
      commitment: { number: 'SC-<1>', title: 'Framing & "drywall"' },
      projectId: 'p/1?x=<y>',
    });
    const { html, text, subject, link } = renderInviteEmail(hostile);
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>');
    expect(html).toContain('O&#39;Brien &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('Hello Ella &amp; Co,');
    expect(html).toContain('SC-&lt;1&gt; – Framing &amp; &quot;drywall&quot;');
    // Path segments are URL-encoded; the href attribute is escaped on top.
    expect(link).toBe('https://app.progress-claims.test/projects/p%2F1%3Fx%3D%3Cy%3E/invites/bp-7.c-42');
    expect(html).toContain(`href="${link}"`);
    expect(text).toContain('SC-<1> – Framing & "drywall"');
    expect(subject).toBe(`Tower <b>&</b> "Co": O'Brien <script>alert(1)</script> has invited you to bill.`);
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('has a reminder subject and text naming the due date', () => {
    const reminder = renderInviteEmail(input({ kind: 'reminder' }));
    expect(reminder.subject).toBe('Harbour Tower: Reminder – Priya Patel has invited you to bill by 25 January 2027.');
    expect(reminder.text).toContain('This is a reminder: Priya Patel has invited you to submit a progress claim on Harbour Tower, due on 25 January 2027.');
  });

  it('formats calendar dates without shifting them by a time zone', () => {
    expect(dateInWords('2028-02-29', 'en-AU')).toBe('29 February 2028');
    expect(dateInWords('2027-12-31', 'en-US')).toBe('December 31, 2027');
  });
});
