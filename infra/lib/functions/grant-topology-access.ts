import type { FunctionAccess } from '@basis/shared';
import type { StatefulResources } from '../stateful/stateful-resources.ts';
import type { BasisFunction } from './basis-function.ts';
import { bindClinicSecrets } from './bind-clinic-secrets.ts';
import { bindHealthCounters } from './bind-health-counters.ts';
import { bindQueue } from './bind-queue.ts';
import { bindTable } from './bind-table.ts';

export interface AccessTargets extends StatefulResources {
  clinicSecretPrefix: string;
}

/** Turns a function's `access` from the topology into environment variables and grants; nothing else is granted. */
export function grantTopologyAccess(fn: BasisFunction, access: FunctionAccess, targets: AccessTargets): void {
  if (access.table !== 'none') bindTable(fn, targets.table, access.table);
  else if (access.healthCounters) bindHealthCounters(fn, targets.table);
  if (access.secrets !== 'none') bindClinicSecrets(fn, targets.clinicSecretPrefix, access.secrets);
  for (const queueName of access.sendsTo) {
    bindQueue(fn, queueName, targets.queues[queueName].queue);
  }
}
