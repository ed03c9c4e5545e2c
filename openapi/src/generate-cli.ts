import { writeFile } from 'node:fs/promises';
import { clientTypesText, documentText, generatedFiles } from './generated-files.ts';
import { buildOpenApiDocument } from './openapi-document.ts';

/**
 * `npm run openapi`: writes docs/openapi.json and the typed client's types from the route contracts. Both are
 * committed; a test fails when either is not what this would write.
 */
const document = buildOpenApiDocument();
await writeFile(generatedFiles.document.absolute, documentText(document));
await writeFile(generatedFiles.clientTypes.absolute, await clientTypesText(document));
console.log(`Wrote ${generatedFiles.document.relative} and ${generatedFiles.clientTypes.relative}.`);
