import { startFauxqs } from 'fauxqs';

export interface SqsLocal {
  endpoint: string;
  stop(): Promise<void>;
}

/** Starts fauxqs, an SQS wire-compatible emulator, in this process on a loopback port. */
export async function startSqsLocal(options: { port?: number } = {}): Promise<SqsLocal> {
  const server = await startFauxqs({ port: options.port ?? 0, logger: false });
  return { endpoint: server.address, stop: () => server.stop() };
}
