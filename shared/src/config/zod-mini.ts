import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

let configured = false;

/**
 * English issue messages for schemas made with `zod/mini` ("Invalid input: expected string, received undefined").
 * `readConfig` calls it, and every function reads its configuration at init, before it parses anything else.
 *
 * Why mini: the schemas every function loads (configuration, the queue message, the Stripe event envelope, clinic
 * secrets, ids) use `import * as z from 'zod/mini'`. Classic zod gives each schema some fifty methods when it is made
 * and brings its JSON Schema code along: about 65 KB of bundle and the largest single share of webhook ingest's cold
 * load. Webhook ingest uses only those schemas, so its bundle holds no classic zod; the other functions still use
 * classic zod for their routes' bodies and views (mini and classic schemas nest in each other: both are
 * `zod/v4/core` types).
 *
 * Mini loads no locale by itself, and without one every issue reads "Invalid input"; classic configures this same
 * locale when it loads, so an issue reads the same whichever build made the schema. The locale comes from its own
 * file: `z.locales` would bring all forty of them.
 */
export function useEnglishIssues(): void {
  if (configured) return;
  config(en());
  configured = true;
}
