import { h, replace } from './dom.ts';
import { ApiError } from './session.ts';

/** One screen of the console: a nav entry and what it shows. */
export interface Screen {
  /** The screen's id (the URL hash, e.g. `#connect`). */
  id: string;
  title: string;
  /** Builds the screen's content; called each time the screen is opened. */
  render(): HTMLElement;
}

/** An output box for an action's result or error (`id` lets tests read it). */
export function output(id: string): HTMLDivElement {
  return h('div', { id, class: 'output', 'aria-live': 'polite' });
}

/** An error as a person reads it: the API's code, message and request id, or the error's message. */
export function errorBox(error: unknown): HTMLElement {
  if (error instanceof ApiError) {
    return h(
      'div',
      { class: 'error', role: 'alert' },
      h('strong', {}, `${error.status} ${error.code}`),
      ` ${error.message}`,
      error.requestId ? h('div', { class: 'muted' }, `request id ${error.requestId}`) : null,
    );
  }
  return h('div', { class: 'error', role: 'alert' }, error instanceof Error ? error.message : String(error));
}

/**
 * Runs an action for a button: disables it, shows "working…" in `target`, then the action's result or its error.
 * Never throws: a failed action is shown, not lost.
 */
export async function run(
  target: HTMLElement,
  work: () => Promise<Node | string>,
  button?: HTMLButtonElement,
): Promise<void> {
  if (button) button.disabled = true;
  replace(target, h('span', { class: 'muted' }, 'working…'));
  try {
    replace(target, await work());
  } catch (error) {
    replace(target, errorBox(error));
  } finally {
    if (button) button.disabled = false;
  }
}

/** A button whose click runs `work` into `target`. */
export function actionButton(
  label: string,
  id: string,
  target: HTMLElement,
  work: () => Promise<Node | string>,
): HTMLButtonElement {
  const button: HTMLButtonElement = h('button', { id, type: 'button' }, label);
  button.addEventListener('click', () => void run(target, work, button));
  return button;
}

/** Waits until `check` answers a value (polling every 300 ms), or answers the last value after `timeoutMs`. */
export async function until<T>(
  check: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

/** A screen's frame: title, who it acts as, a short explanation, then its content. */
export function frame(title: string, actsAs: string, explanation: string, ...content: Node[]): HTMLElement {
  return h(
    'section',
    { class: 'screen' },
    h('h2', {}, title),
    h('p', { class: 'acts-as' }, `acts as ${actsAs}`),
    h('p', { class: 'muted' }, explanation),
    ...content,
  );
}
