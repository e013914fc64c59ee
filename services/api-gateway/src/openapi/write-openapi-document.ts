// `npm run gen` (after `tsc -b`): writes docs/openapi.json, the document a gateway fronting
// every backend serves at /openapi.json. A test fails when the committed file is stale.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildGatewayDocument, committedDocumentPath, documentText, repositoryRoot } from './gateway-document.js';

await writeFile(path.join(repositoryRoot, committedDocumentPath), documentText(buildGatewayDocument()));
console.log(`wrote ${committedDocumentPath}`);
