import { createHash } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';

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

/** What Scalar's plugin serves under `docsPath` when given a document URL: the redirect to `/docs/`, the page, its script. */
const docsRoutes = [docsPath, `${docsPath}/`, `${docsPath}/js/scalar.js`] as const;
/** The headers of Scalar's answers that say what they are (the rest are the gateway's own). */
const forwardedHeaders = ['content-type', 'location'] as const;

/**
 * `/docs`: Scalar's API reference, its script served by the gateway from the npm package
 * (nothing from a CDN), reading the document at `documentUrl`. Registered in its own
 * encapsulated context so its CSP hook sees only these routes.
 *
 * Scalar's plugin holds its 5 MB browser bundle as a string in its module: loaded at
 * start-up it cost the gateway about 35 MB of resident memory and half a second, for a
 * page few ever open. So it is loaded on the first visit, into an instance of its own
 * that these routes hand each request to, and its answer is passed on as it is.
 */
export function registerDocsPage(app: FastifyInstance, options: DocsPageOptions): void {
  let renderer: Promise<FastifyInstance> | undefined;
  app.register(async (docs) => {
    docs.addHook('onSend', async (_request, reply, payload) => {
      const isPage = String(reply.getHeader('content-type') ?? '').startsWith('text/html') && typeof payload === 'string';
      reply.header('content-security-policy', docsContentSecurityPolicy(isPage ? payload : ''));
      return payload;
    });
    for (const url of docsRoutes) {
      docs.get(url, async (request, reply) => {
        renderer ??= startRenderer(options);
        const answer = await (await renderer).inject({ method: 'GET', url: request.url });
        for (const name of forwardedHeaders) {
          const value = answer.headers[name];
          if (value !== undefined) reply.header(name, value);
        }
        // The redirect has no body, and so no content type either.
        return reply.code(answer.statusCode).send(answer.body === '' ? undefined : answer.body);
      });
    }
  });
}

/** A fastify instance serving only Scalar's plugin, configured as the gateway's `/docs`. */
async function startRenderer(options: DocsPageOptions): Promise<FastifyInstance> {
  const { default: scalarApiReference } = await import('@scalar/fastify-api-reference');
  const renderer = Fastify({ logger: false });
  await renderer.register(scalarApiReference, {
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
  await renderer.ready();
  return renderer;
}
