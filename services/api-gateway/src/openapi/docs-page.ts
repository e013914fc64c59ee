import { createHash } from 'node:crypto';
import scalarApiReference from '@scalar/fastify-api-reference';
import type { FastifyInstance } from 'fastify';

export interface DocsPageOptions {
  /** Where the page finds the document, e.g. `/openapi.json`. */
  readonly documentUrl: string;
  readonly title: string;
}

/** The page is `/docs/`; `/docs` redirects there (its script is loaded relative to it). */
export const docsPath = '/docs';

const inlineScript = /<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g;

/**
 * The Content-Security-Policy of the docs routes. Scripts only from the gateway and the
 * page's own inline start-up script, by hash; requests only to the gateway ("Try it" calls
 * the API on this origin). Styles need 'unsafe-inline': the renderer injects its stylesheet
 * from script and sets style attributes, which hashes cannot cover; no script can be
 * injected that way.
 */
export function docsContentSecurityPolicy(html: string): string {
  const hashes = [...html.matchAll(inlineScript)].map(([, body]) => `'sha256-${createHash('sha256').update(body ?? '').digest('base64')}'`);
  return [
    "default-src 'none'",
    ["script-src 'self'", ...hashes].join(' '),
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * `/docs`: Scalar's API reference, its script served by the gateway from the npm package
 * (nothing from a CDN), reading the document at `documentUrl`. Registered in its own
 * encapsulated context so its CSP hook sees only these routes; it loads when the app is
 * made ready, where a failure surfaces.
 */
export function registerDocsPage(app: FastifyInstance, options: DocsPageOptions): void {
  app.register(async (docs) => {
    docs.addHook('onSend', async (_request, reply, payload) => {
      const isPage = String(reply.getHeader('content-type') ?? '').startsWith('text/html') && typeof payload === 'string';
      reply.header('content-security-policy', docsContentSecurityPolicy(isPage ? payload : ''));
      return payload;
    });
    await docs.register(scalarApiReference, {
      routePrefix: docsPath,
      configuration: {
        url: options.documentUrl,
        pageTitle: options.title,
        // Everything that would reach Scalar's servers is off: fonts, telemetry, the AI agent
        // and MCP helpers, the developer toolbar.
        withDefaultFonts: false,
        telemetry: false,
        agent: { disabled: true },
        mcp: { disabled: true },
        showDeveloperTools: 'never',
        // A small API: every operation listed in the sidebar from the start.
        defaultOpenAllTags: true,
        documentDownloadType: 'json',
      },
    });
  });
}
