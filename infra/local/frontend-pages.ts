/**
 * Emails link to the frontend (`FRONTEND_BASE_URL`, locally the API's own origin). There is no
 * frontend here, so the local server answers those links with a small page saying which API
 * call the frontend would make on that screen, with a link to the reference at /docs.
 */
interface FrontendScreen {
  pattern: RegExp;
  screen: string;
  /** The API calls behind the screen; `{projectId}` etc. are filled from the link. */
  calls: (ids: string[]) => string[];
}

const screens: FrontendScreen[] = [
  {
    pattern: /^\/projects\/([^/]+)\/invites\/([^/]+)$/,
    screen: 'An invite to bill',
    calls: ([projectId, inviteId]) => [
      `GET /v1/projects/${projectId}/billing-periods/{billingPeriodId}/invites (the invite's row, with its commitment)`,
      `POST /v1/projects/${projectId}/invites/${inviteId}/response with {"accept": true} (or false to decline)`,
      `POST /v1/projects/${projectId}/commitments/{commitmentId}/invoices with {} once accepted`,
    ],
  },
  {
    pattern: /^\/projects\/([^/]+)\/invoices\/([^/]+)$/,
    screen: 'An invoice',
    calls: ([projectId, invoiceId]) => [
      `GET /v1/projects/${projectId}/invoices/${invoiceId} (its figures; the ETag for If-Match)`,
      `GET /v1/projects/${projectId}/invoices/${invoiceId}/history`,
      `POST /v1/projects/${projectId}/invoices/${invoiceId}/status with If-Match`,
    ],
  },
  {
    pattern: /^\/projects\/([^/]+)\/invoice-backups\/([^/]+)$/,
    screen: 'A backup PDF',
    calls: ([projectId, jobId]) => [`GET /v1/projects/${projectId}/invoice-backups/${jobId} (status, then download.url: the PDF)`],
  },
];

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The page for a frontend link, or undefined when the path is not one. */
export function frontendPage(method: string, path: string): string | undefined {
  if (method !== 'GET') return undefined;
  for (const { pattern, screen, calls } of screens) {
    const match = pattern.exec(path);
    if (!match) continue;
    let ids: string[];
    try {
      ids = match.slice(1).map((id) => decodeURIComponent(id));
    } catch {
      return undefined; // a malformed escape: not a link we sent
    }
    const items = calls(ids).map((call) => `<li><code>${escapeHtml(call)}</code></li>`).join('');
    return (
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${screen} (local frontend stand-in)</title></head>` +
      `<body style="font-family: system-ui, sans-serif; max-width: 46rem; margin: 2rem auto">` +
      `<h1>${screen}</h1><p>This link points at the frontend (<code>FRONTEND_BASE_URL</code>). Running locally without one, ` +
      `here is what the frontend would call on this screen, with the signed-in user's bearer token:</p><ul>${items}</ul>` +
      `<p>Every operation is described in the <a href="/docs">API reference</a>.</p></body></html>`
    );
  }
  return undefined;
}
