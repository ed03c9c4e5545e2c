import type { FunctionName } from '@basis/shared';
import { Construct } from 'constructs';
import type { PowertoolsLogLevel } from '../config/basis-context.ts';
import { pascalCase } from '../config/construct-ids.ts';
import { functionEntries } from '../config/topology-entries.ts';
import { BasisFunction } from './basis-function.ts';
import { type AccessTargets, grantTopologyAccess } from './grant-topology-access.ts';

export interface BasisServicesProps extends AccessTargets {
  stage: string;
  logLevel: PowertoolsLogLevel;
}

/**
 * Every function of the topology, grouped in one construct per service folder (infra mirrors services/),
 * each bound to exactly the resources its `access` names.
 */
export class BasisServices extends Construct {
  readonly functions: Readonly<Record<FunctionName, BasisFunction>>;

  constructor(scope: Construct, id: string, props: BasisServicesProps) {
    super(scope, id);
    const serviceScopes = new Map<string, Construct>();
    const serviceScope = (service: string): Construct => {
      let existing = serviceScopes.get(service);
      if (!existing) {
        existing = new Construct(this, pascalCase(service));
        serviceScopes.set(service, existing);
      }
      return existing;
    };

    const built = functionEntries().map(([name, definition]) => {
      const fn = new BasisFunction(serviceScope(definition.service), pascalCase(name), {
        name,
        definition,
        stage: props.stage,
        logLevel: props.logLevel,
      });
      grantTopologyAccess(fn, definition.access, props);
      return [name, fn] as const;
    });
    this.functions = Object.fromEntries(built) as Record<FunctionName, BasisFunction>;
  }
}
