import { h } from '../dom.ts';
import { frame, output, run, type Screen } from '../screen.ts';

/**
 * PLUG-IN POINT for screens whose routes have no console screen yet: memberships (`…/membership-plans`,
 * `…/memberships`).
 * When their routes are in docs/openapi.json (and so in @basis/api-client), replace the entry here with a screen of
 * its own in `screens/` that calls them through the typed client, as the other screens do. Until then the screen
 * looks the route up in the served OpenAPI document and says plainly whether this API has it.
 */
function notYetAvailable(id: string, title: string, route: string, what: string): Screen {
  return {
    id,
    title,
    render() {
      const state = output(`${id}-availability`);
      void run(state, async () => {
        const document = (await (await fetch('/openapi.json')).json()) as { paths?: Record<string, unknown> };
        const present = Object.keys(document.paths ?? {}).includes(route);
        return h(
          'p',
          { class: present ? 'notice' : 'unavailable' },
          present
            ? `This API has ${route}, but the console has no screen for it yet (console/src/app/screens/not-yet-available.ts).`
            : `Not available: this API has no ${route} yet.`,
        );
      });
      return frame(title, 'clinic_admin', what, state);
    },
  };
}

export const pendingScreens: readonly Screen[] = [
  notYetAvailable(
    'memberships',
    'Memberships',
    '/v1/clinics/{clinicId}/membership-plans/{planId}',
    'Membership plans and clients’ memberships (Stripe Billing subscriptions).',
  ),
];
