import type { OpenApiDocument } from './build-openapi.js';

const escape = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/**
 * A static page listing the operations, rendered once at start: no script, no CDN, so it
 * works offline and under a strict Content-Security-Policy. `/openapi.json` is the real thing.
 */
export function renderDocsPage(document: OpenApiDocument): string {
  const rows: string[] = [];
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const scope = operation['x-required-scope'] ?? 'public';
      rows.push(
        `<tr><td><code>${escape(method.toUpperCase())}</code></td><td><code>${escape(path)}</code></td>` +
          `<td>${escape(operation.summary)}</td><td><code>${escape(scope)}</code></td></tr>`,
      );
    }
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(document.info.title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}</style>
</head><body><h1>${escape(document.info.title)}</h1>
<p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI ${escape(document.openapi)}). Errors are <code>application/problem+json</code>.</p>
<table><thead><tr><th>method</th><th>path</th><th>RPC</th><th>scope</th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table></body></html>
`;
}
