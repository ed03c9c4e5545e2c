import { vi } from 'vitest';

/** One metric of an EMF document: its namespace, name, value, and the document's dimension values. */
export interface EmfMetric {
  namespace: string;
  name: string;
  value: unknown;
  dimensions: Record<string, unknown>;
}

/**
 * EMF documents written while `run` ran: Powertools writes them with console.log in dev mode. The caller switches
 * metrics on for its test (`POWERTOOLS_METRICS_DISABLED=false`, `POWERTOOLS_DEV=true`, a namespace).
 */
export async function emfDuring(run: () => Promise<unknown>): Promise<Array<Record<string, unknown>>> {
  const written: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((line: unknown) => void written.push(String(line)));
  try {
    await run();
  } finally {
    spy.mockRestore();
  }
  return written
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((document) => '_aws' in document);
}

/** Every metric of the documents, each with the values of the dimensions its directive declares. */
export function emfMetrics(documents: Array<Record<string, unknown>>): EmfMetric[] {
  return documents.flatMap((document) => {
    const aws = document._aws as {
      CloudWatchMetrics: Array<{
        Namespace: string;
        Dimensions: string[][];
        Metrics: Array<{ Name: string }>;
      }>;
    };
    return aws.CloudWatchMetrics.flatMap((directive) =>
      directive.Metrics.map((metric) => ({
        namespace: directive.Namespace,
        name: metric.Name,
        value: document[metric.Name],
        dimensions: Object.fromEntries(
          directive.Dimensions.flat().map((dimension) => [dimension, document[dimension]]),
        ),
      })),
    );
  });
}
