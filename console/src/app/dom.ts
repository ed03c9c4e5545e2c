/** Tiny DOM helpers: the console has no framework, so screens build their elements with `h`. */

type Child = Node | string | number | null | undefined | false;

/**
 * An element with attributes (`onclick` and other functions become listeners; `true` sets an empty attribute;
 * `false`/undefined leave it out) and children (strings become text, falsy ones are skipped).
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | number | boolean | undefined | ((event: Event) => void)> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (typeof value === 'function') element.addEventListener(name.replace(/^on/, ''), value);
    else if (value === true) element.setAttribute(name, '');
    else if (value !== false && value !== undefined) element.setAttribute(name, String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(typeof child === 'object' ? child : String(child));
  }
  return element;
}

/** A labelled input; `name` is also its id, so tests and people find it the same way. */
export function field(label: string, name: string, value = '', attributes: Record<string, string> = {}) {
  return h('label', {}, label, h('input', { id: name, name, value, ...attributes }));
}

/** A labelled select of plain options. */
export function select(label: string, name: string, options: readonly string[], value?: string) {
  return h(
    'label',
    {},
    label,
    h(
      'select',
      { id: name, name },
      ...options.map((option) => h('option', { value: option, selected: option === value }, option)),
    ),
  );
}

/** The value of the form control with this id (inputs, selects; a checkbox answers "true"/"false"). */
export function inputValue(id: string): string {
  const element = document.getElementById(id);
  if (element instanceof HTMLInputElement && element.type === 'checkbox') return String(element.checked);
  if (element instanceof HTMLInputElement || element instanceof HTMLSelectElement)
    return element.value.trim();
  throw new Error(`No form control #${id}`);
}

/** A definition list of label → value; each value's `dd` gets the id `${prefix}-${key}` for tests and styles. */
export function facts(prefix: string, rows: Record<string, Child>): HTMLDListElement {
  return h(
    'dl',
    { class: 'facts' },
    ...Object.entries(rows).flatMap(([key, value]) => [
      h('dt', {}, key),
      h('dd', { id: `${prefix}-${key.replace(/\W+/g, '-').toLowerCase()}` }, value ?? '—'),
    ]),
  );
}

/** A table with a header row; cells are anything `h` takes. */
export function table(headers: readonly string[], rows: readonly Child[][], id?: string): HTMLTableElement {
  return h(
    'table',
    { id },
    h('thead', {}, h('tr', {}, ...headers.map((header) => h('th', {}, header)))),
    h('tbody', {}, ...rows.map((cells) => h('tr', {}, ...cells.map((cell) => h('td', {}, cell))))),
  );
}

/** An amount in minor units as a person reads it, e.g. 5000 usd → "50.00 USD". */
export function money(amount: number, currency: string): string {
  return `${(amount / 100).toFixed(2)} ${currency.toUpperCase()}`;
}

/** Replaces an element's children. */
export function replace(target: Element, ...children: Child[]): void {
  target.replaceChildren();
  for (const child of children)
    if (child !== null && child !== undefined && child !== false)
      target.append(typeof child === 'object' ? child : String(child));
}
