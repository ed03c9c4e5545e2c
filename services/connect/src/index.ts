/**
 * @basis/connect: connects a clinic's own Stripe account per mode (keys verified and kept in Secrets Manager,
 * managed webhook endpoints, secret rolls, disconnect) and keeps the registry of connected clinics.
 */
export {
  buildConnectApi,
  buildConnectionRegistry,
  buildDeferredHealthCounterAdder,
  buildHealthCounters,
} from './build.ts';
export { connectContracts } from './connect-contract.ts';
export type { ConnectionEntry } from './domain/connection-registry.ts';
export type { ConnectionRegistry, HealthCounterKind, HealthCounters } from './ports.ts';
