/**
 * A self-contained API reference page rendered from the OpenAPI document: no CDN,
 * no script, so it works offline on a laptop and behind a strict CSP in AWS.
 */
interface Operation {
  operationId?: string;
  summary?: string;
  tags?: string[];
  security?: unknown[];
  parameters?: Array<{ name: string; in: string; required?: boolean; schema?: unknown; description?: string }>;
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: unknown }> }>;
}
interface Document {
  info: { title: string; version: string; description?: string };
  paths?: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, unknown> };
}

const escape = (value: string) =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const schemaBlock = (schema: unknown) => {
  const ref = (schema as { $ref?: string } | undefined)?.$ref;
  if (ref) {
    const name = ref.split('/').pop()!;
    return `<a href="#schema-${escape(name)}">${escape(name)}</a>`;
  }
  return `<pre>${escape(JSON.stringify(schema, null, 2))}</pre>`;
};

function renderOperation(path: string, method: string, op: Operation): string {
  const secured = (op.security?.length ?? 0) > 0;
  const params = (op.parameters ?? [])
    .map((p) => `<tr><td><code>${escape(p.name)}</code></td><td>${p.in}</td><td>${p.required ? 'yes' : 'no'}</td><td>${schemaBlock(p.schema)}</td></tr>`)
    .join('');
  const body = op.requestBody?.content
    ? Object.entries(op.requestBody.content).map(([type, c]) => `<p>Body <code>${escape(type)}</code></p>${schemaBlock(c.schema)}`).join('')
    : '';
  const responses = Object.entries(op.responses ?? {})
    .map(([status, r]) => {
      const content = Object.entries(r.content ?? {})
        .map(([type, c]) => `<code>${escape(type)}</code> ${c.schema ? schemaBlock(c.schema) : ''}`)
        .join(' ');
      return `<tr><td>${status}</td><td>${escape(r.description ?? '')}</td><td>${content}</td></tr>`;
    })
    .join('');
  return `<section class="op" id="${escape(op.operationId ?? `${method}-${path}`)}">
<h3><span class="m ${method}">${method.toUpperCase()}</span> <code>${escape(path)}</code> ${secured ? '<span class="lock">bearer token</span>' : '<span class="open">public</span>'}</h3>
<p>${escape(op.summary ?? '')}</p>
${params ? `<table><tr><th>Parameter</th><th>In</th><th>Required</th><th>Schema</th></tr>${params}</table>` : ''}
${body}
<table><tr><th>Status</th><th>Meaning</th><th>Content</th></tr>${responses}</table>
</section>`;
}

export function renderDocsPage(document: Document): string {
  const operations = Object.entries(document.paths ?? {}).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => renderOperation(path, method, op)),
  );
  const schemas = Object.entries(document.components?.schemas ?? {})
    .map(([name, schema]) => `<section id="schema-${escape(name)}"><h3>${escape(name)}</h3><pre>${escape(JSON.stringify(schema, null, 2))}</pre></section>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(document.info.title)} — reference</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:1000px;padding:1rem 2rem;color:#1f2933}
code,pre{font:13px ui-monospace,monospace}pre{background:#f5f7fa;padding:.6rem;overflow:auto;border-radius:4px}
table{border-collapse:collapse;width:100%;margin:.5rem 0}td,th{border-bottom:1px solid #e4e7eb;padding:.3rem;text-align:left;vertical-align:top}
.op{border:1px solid #e4e7eb;border-radius:6px;padding:0 1rem;margin:1rem 0}.m{padding:.1rem .4rem;border-radius:3px;color:#fff;font-size:12px}
.get{background:#2f855a}.post{background:#2b6cb0}.put{background:#b7791f}.patch{background:#6b46c1}.delete{background:#c53030}
.lock,.open{font-size:12px;font-weight:normal;color:#52606d;margin-left:.5rem}
</style></head><body>
<h1>${escape(document.info.title)} <small>${escape(document.info.version)}</small></h1>
<p>${escape(document.info.description ?? '')}</p>
<p>Machine-readable contract: <a href="/openapi.json">/openapi.json</a></p>
<h2>Operations</h2>${operations.join('\n')}
<h2>Schemas</h2>${schemas}
</body></html>`;
}
