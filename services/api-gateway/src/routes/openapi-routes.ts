import type { FastifyInstance } from 'fastify';
import type { OpenApiDocument } from '../openapi/build-openapi.js';
import { registerDocsPage } from '../openapi/docs-page.js';

export const openApiPath = '/openapi.json';

/**
 * `/openapi.json`, serialised once at start (the routes do not change at run time), and the
 * `/docs` page that renders it.
 */
export function registerOpenApiRoutes(app: FastifyInstance, document: OpenApiDocument): void {
  const json = JSON.stringify(document);
  app.get(openApiPath, async (_request, reply) => reply.type('application/json').send(json));
  registerDocsPage(app, { documentUrl: openApiPath, title: document.info.title });
}
