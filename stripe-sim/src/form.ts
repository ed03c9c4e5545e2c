/**
 * Stripe's form encoding: `application/x-www-form-urlencoded` with nested brackets
 * (`metadata[booking_id]=x`, `expand[]=a`, `items[0][price]=p`). Values stay strings; the
 * resource handlers coerce them, as Stripe does, and answer 400 for what does not parse.
 */
export type FormValue = string | FormValue[] | { [key: string]: FormValue };
export type FormParams = { [key: string]: FormValue };

const PUSH_PREFIX = '\u0000push:';

function decode(component: string): string {
  try {
    return decodeURIComponent(component.replace(/\+/g, ' '));
  } catch {
    return component;
  }
}

function splitKey(key: string): string[] {
  const open = key.indexOf('[');
  if (open <= 0) return [key];
  const segments = [key.slice(0, open)];
  const rest = key.slice(open);
  for (const match of rest.matchAll(/\[([^\]]*)\]/g)) segments.push(match[1] ?? '');
  return segments;
}

type Tree = { [key: string]: Tree | string };

function assign(tree: Tree, segments: string[], value: string, counter: { next: number }): void {
  let node = tree;
  for (let index = 0; index < segments.length; index += 1) {
    const raw = segments[index] ?? '';
    const segment = raw === '' ? `${PUSH_PREFIX}${counter.next++}` : raw;
    if (index === segments.length - 1) {
      node[segment] = value;
      return;
    }
    const child = node[segment];
    if (typeof child === 'object') {
      node = child;
    } else {
      const fresh: Tree = {};
      node[segment] = fresh;
      node = fresh;
    }
  }
}

function finish(node: Tree | string): FormValue {
  if (typeof node === 'string') return node;
  const keys = Object.keys(node);
  const isArray = keys.length > 0 && keys.every((key) => key.startsWith(PUSH_PREFIX) || /^\d+$/.test(key));
  if (isArray) {
    const indexed = keys.filter((key) => !key.startsWith(PUSH_PREFIX)).sort((a, b) => Number(a) - Number(b));
    const pushed = keys.filter((key) => key.startsWith(PUSH_PREFIX));
    return [...indexed, ...pushed].map((key) => finish(node[key] ?? ''));
  }
  const result: { [key: string]: FormValue } = {};
  for (const key of keys) result[key] = finish(node[key] ?? '');
  return result;
}

/** Parses a form-encoded body or query string into nested params. */
export function parseForm(text: string): FormParams {
  const tree: Tree = {};
  const counter = { next: 0 };
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const key = decode(equals === -1 ? pair : pair.slice(0, equals));
    const value = equals === -1 ? '' : decode(pair.slice(equals + 1));
    if (key === '') continue;
    assign(tree, splitKey(key), value, counter);
  }
  const result: FormParams = {};
  for (const [key, value] of Object.entries(tree)) result[key] = finish(value);
  return result;
}
