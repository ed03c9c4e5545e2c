import { startStripeSimulator } from './server.ts';

/** Runs the simulator standalone: `STRIPE_SIM_PORT` (default 12111), stopped by SIGINT/SIGTERM. */
const port = Number(process.env.STRIPE_SIM_PORT ?? 12111);
const verbose = process.env.STRIPE_SIM_LOG === '1';

const simulator = await startStripeSimulator({
  port,
  host: process.env.STRIPE_SIM_HOST ?? '127.0.0.1',
  log: verbose
    ? (line) => console.log(`[stripe-sim] ${line}`)
    : (line) => {
        if (line.startsWith('internal error') || line.startsWith('request failed'))
          console.error(`[stripe-sim] ${line}`);
      },
});
console.log(`Stripe simulator listening on ${simulator.url}`);

const stop = () => {
  void simulator.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
