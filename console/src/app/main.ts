import { h, replace, select } from './dom.ts';
import type { Screen } from './screen.ts';
import { bookingScreen } from './screens/booking.ts';
import { cardsScreen } from './screens/cards.ts';
import { connectScreen } from './screens/connect.ts';
import { eventsScreen } from './screens/events.ts';
import { healthScreen } from './screens/health.ts';
import { membershipsScreen } from './screens/memberships.ts';
import { operationsScreen } from './screens/operations.ts';
import { paymentsScreen } from './screens/payments.ts';
import { payoutsScreen } from './screens/payouts.ts';
import { pricingScreen } from './screens/pricing.ts';
import { reportsScreen } from './screens/reports.ts';
import { type Mode, remember, session } from './session.ts';

/** The screens in the order a clinic meets them; the URL hash (`#book`) names the open one. */
const screens: readonly Screen[] = [
  connectScreen,
  pricingScreen,
  bookingScreen,
  cardsScreen,
  paymentsScreen,
  reportsScreen,
  payoutsScreen,
  eventsScreen,
  healthScreen,
  membershipsScreen,
  operationsScreen,
];

const main = document.getElementById('screen') as HTMLElement;
const nav = document.getElementById('nav') as HTMLElement;

function show(): void {
  const id = window.location.hash.slice(1) || (screens[0] as Screen).id;
  const screen = screens.find((candidate) => candidate.id === id) ?? (screens[0] as Screen);
  for (const link of nav.querySelectorAll('a'))
    link.classList.toggle('current', link.dataset.screen === screen.id);
  replace(main, screen.render());
  document.title = `${screen.title} · Basis console`;
}

/** The clinic, mode and client every screen works on; a change re-opens the screen with it. */
function sessionBar(): HTMLElement {
  const onChange = (event: Event) => {
    const input = event.target as HTMLInputElement | HTMLSelectElement;
    remember({ [input.name]: input.name === 'mode' ? (input.value as Mode) : input.value.trim() });
    show();
  };
  return h(
    'form',
    { class: 'session', onchange: onChange, onsubmit: (event) => event.preventDefault() },
    h('label', {}, 'Clinic', h('input', { name: 'clinicId', id: 'session-clinic', value: session.clinicId })),
    select('Mode', 'mode', ['test', 'live'], session.mode),
    h('label', {}, 'Client', h('input', { name: 'clientId', id: 'session-client', value: session.clientId })),
  );
}

replace(
  nav,
  ...screens.map((screen) => h('a', { href: `#${screen.id}`, 'data-screen': screen.id }, screen.title)),
);
(document.getElementById('session') as HTMLElement).replaceWith(sessionBar());
window.addEventListener('hashchange', show);
show();
