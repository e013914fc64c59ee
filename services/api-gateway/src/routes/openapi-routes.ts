import type { FastifyInstance } from 'fastify';
import type { OpenApiDocument } from '../openapi/build-openapi.js';
import { renderDocsPage } from '../openapi/docs-page.js';

/** `/openapi.json` and `/docs`, both rendered once at start: the routes do not change at run time. */
export function registerOpenApiRoutes(app: FastifyInstance, document: OpenApiDocument): void {
  const json = JSON.stringify(document);
  const page = renderDocsPage(document);
  app.get('/openapi.json', async (_request, reply) => reply.type('application/json').send(json));
  app.get('/docs', async (_request, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
      .send(page),
  );
}
