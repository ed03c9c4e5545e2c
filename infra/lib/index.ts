/** @basis/infra: the CDK app, generated from the topology (see infra/README.md). */
export { addBasisStacks, addNagChecks, type BasisStacks } from './basis-app.ts';
