import path from 'node:path';
import { isFronted, serviceCatalogue } from '@causeloop/platform/service-catalogue';
import type { FrontedService } from '../fronted-service.js';
import { collectRoutedRpcs } from '../routes/http-rules.js';
import { buildOpenApi, type OpenApiDocument } from './build-openapi.js';

/** The committed copy of the document, relative to the repository root. */
export const committedDocumentPath = 'docs/openapi.json';

/** The repository root, seen from this file (src/ under test, dist/ when built). */
export const repositoryRoot = path.resolve(import.meta.dirname, '../../../..');

/**
 * The `/openapi.json` of a gateway fronting every API the service catalogue declares
 * fronted: what `docs/openapi.json` holds. Only the descriptors are needed, so the services
 * are fronted by stand-ins that are never called.
 */
export function buildGatewayDocument(): OpenApiDocument {
  const fronted: FrontedService[] = serviceCatalogue
    .flatMap((declared) => declared.apis.filter(isFronted))
    .map(({ service }) => ({ service, call: () => Promise.reject(new Error('the document builder calls no backend')) }));
  return buildOpenApi(collectRoutedRpcs(fronted), {});
}

/** The file's text: two-space JSON with a final newline, as editors and `git diff` like it. */
export function documentText(document: OpenApiDocument): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
