/** @basis/ops: `npm run ops` (status, redrive, replay) against the local stack or a deployed stage. */
export { type OpsDefaults, type OpsIo, runOps, usage } from './run-ops.ts';
