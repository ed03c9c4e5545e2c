import { App } from 'aws-cdk-lib';
import { addBasisStacks, addNagChecks } from '../lib/basis-app.ts';
import { InvalidContextError } from '../lib/config/basis-context.ts';

const app = new App();
try {
  addBasisStacks(app);
} catch (error) {
  if (!(error instanceof InvalidContextError)) throw error;
  // A configuration mistake, not a bug: the message says what to set, a stack trace would only bury it.
  console.error(error.message);
  process.exit(1);
}
addNagChecks(app);
app.synth();
