import {
  invalidInteger,
  invalidRequest,
  invalidValue,
  parameterMissing,
  parameterUnknown,
} from './errors.ts';
import type { FormParams, FormValue } from './form.ts';
import type { Metadata } from './objects.ts';

/**
 * Readers for form params, answering 400 with Stripe's codes and `param` names (`metadata[key]`,
 * `automatic_payment_methods[enabled]`) when a value does not fit.
 */
function label(path: readonly string[]): string {
  const [first = '', ...rest] = path;
  return first + rest.map((part) => `[${part}]`).join('');
}

function lookup(params: FormParams, path: readonly string[]): FormValue | undefined {
  let value: FormValue | undefined = params;
  for (const part of path) {
    if (value === undefined || typeof value === 'string' || Array.isArray(value)) return undefined;
    value = value[part];
  }
  return value;
}

/** Stripe refuses parameters it does not know; `expand` is accepted everywhere. */
export function rejectUnknown(params: FormParams, allowed: readonly string[]): void {
  for (const key of Object.keys(params)) {
    if (key !== 'expand' && !allowed.includes(key)) throw parameterUnknown(key);
  }
}

export function readString(params: FormParams, ...path: string[]): string | undefined {
  const value = lookup(params, path);
  if (value === undefined) return undefined;
  if (typeof value !== 'string')
    throw invalidValue(label(path), `Invalid string: ${label(path)} must be a string.`);
  return value;
}

export function requireString(params: FormParams, ...path: string[]): string {
  const value = readString(params, ...path);
  if (value === undefined || value === '') throw parameterMissing(label(path));
  return value;
}

/** A string that may be unset with an empty value (Stripe's way of sending null). */
export function readNullableString(params: FormParams, ...path: string[]): string | null | undefined {
  const value = readString(params, ...path);
  return value === '' ? null : value;
}

export function readInteger(params: FormParams, ...path: string[]): number | undefined {
  const value = readString(params, ...path);
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value)) throw invalidInteger(label(path), value);
  return Number.parseInt(value, 10);
}

export function requireInteger(params: FormParams, ...path: string[]): number {
  const value = readInteger(params, ...path);
  if (value === undefined) throw parameterMissing(label(path));
  return value;
}

export function readBoolean(params: FormParams, ...path: string[]): boolean | undefined {
  const value = readString(params, ...path);
  if (value === undefined) return undefined;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw invalidValue(label(path), `Invalid boolean: ${value}`);
}

export function readEnum<T extends string>(
  params: FormParams,
  values: readonly T[],
  ...path: string[]
): T | undefined {
  const value = readString(params, ...path);
  if (value === undefined) return undefined;
  if (!(values as readonly string[]).includes(value)) {
    throw invalidValue(label(path), `Invalid ${label(path)}: must be one of ${values.join(', ')}`);
  }
  return value as T;
}

export function readStringList(params: FormParams, ...path: string[]): string[] | undefined {
  const value = lookup(params, path);
  if (value === undefined) return undefined;
  if (value === '') return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((item, index) => {
    if (typeof item !== 'string') throw invalidValue(`${label(path)}[${index}]`, 'Invalid array');
    return item;
  });
}

export function readExpand(params: FormParams): string[] {
  return readStringList(params, 'expand') ?? [];
}

/**
 * `metadata[key]=value` merges into the current metadata; an empty value removes the key and
 * `metadata=` clears it all, as on Stripe.
 */
export function readMetadata(params: FormParams, current: Metadata = {}): Metadata | undefined {
  const value = params.metadata;
  if (value === undefined) return undefined;
  if (value === '') return {};
  if (typeof value === 'string' || Array.isArray(value)) {
    throw invalidValue('metadata', 'Invalid metadata: metadata must be a set of key-value pairs');
  }
  const next: Metadata = { ...current };
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry !== 'string') throw invalidValue(`metadata[${key}]`, 'Invalid metadata value');
    if (key.length > 40)
      throw invalidValue(`metadata[${key}]`, 'Metadata keys can have up to 40 characters.');
    if (entry.length > 500)
      throw invalidValue(`metadata[${key}]`, 'Metadata values can have up to 500 characters.');
    if (entry === '') delete next[key];
    else next[key] = entry;
  }
  if (Object.keys(next).length > 50) throw invalidValue('metadata', 'Metadata can have up to 50 keys.');
  return next;
}

/** `created=123` or `created[gte]=…&created[lt]=…` as a predicate on Unix seconds. */
export function readRangeFilter(params: FormParams, name: string): (value: number) => boolean {
  const raw = params[name];
  if (raw === undefined) return () => true;
  if (typeof raw === 'string') {
    const exact = readInteger(params, name);
    return (value) => value === exact;
  }
  if (Array.isArray(raw)) throw invalidValue(name, `Invalid ${name}: must be an integer or a hash`);
  for (const key of Object.keys(raw)) {
    if (!['gt', 'gte', 'lt', 'lte'].includes(key)) throw parameterUnknown(`${name}[${key}]`);
  }
  const gt = readInteger(params, name, 'gt');
  const gte = readInteger(params, name, 'gte');
  const lt = readInteger(params, name, 'lt');
  const lte = readInteger(params, name, 'lte');
  return (value) =>
    (gt === undefined || value > gt) &&
    (gte === undefined || value >= gte) &&
    (lt === undefined || value < lt) &&
    (lte === undefined || value <= lte);
}

export function requireOneOf(params: FormParams, names: readonly string[]): void {
  if (names.some((name) => params[name] !== undefined && params[name] !== '')) return;
  throw invalidRequest(
    `One of the following params should be provided for this request: ${names.join(' or ')}.`,
  );
}
