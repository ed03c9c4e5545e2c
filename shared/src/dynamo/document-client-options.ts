import type { TranslateConfig } from '@aws-sdk/lib-dynamodb';

/**
 * The marshalling options every adapter expects of a document client (`createDocumentClient`; webhook ingest's
 * counter makes its client on first use with these). In a file of its own, importing only types, so that code
 * which loads the SDK with `import()` can read them without importing it.
 */
export const documentClientOptions: TranslateConfig = {
  marshallOptions: { removeUndefinedValues: true },
};
