import type { RequestContext } from '../core.ts';
import { invalidRequest, invalidValue, parameterUnknown } from '../errors.ts';
import type { FormParams } from '../form.ts';
import { readBoolean, readEnum, readStringList } from '../params.ts';

/**
 * Which payment method types an intent accepts. API version `2026-10-28.endive` (stripe-node 23)
 * replaced the `payment_method_types` parameter by `allowed_payment_method_types`; older versions
 * still send `payment_method_types`. With neither, automatic payment methods are on (the default
 * since 2023-08-16).
 */
export const ALLOWED_TYPES_API_VERSION = '2026-10-28';

export interface MethodTypes {
  allowed_payment_method_types: string[] | null;
  automatic_payment_methods: { enabled: boolean; allow_redirects?: string } | null;
  payment_method_types: string[];
}

function checkSupported(types: readonly string[], param: string): void {
  types.forEach((type, index) => {
    if (type !== 'card') {
      throw invalidValue(
        `${param}[${index}]`,
        `The payment method type "${type}" is invalid or not supported by the Stripe simulator (it supports "card").`,
      );
    }
  });
}

export function readMethodTypes(ctx: RequestContext, params: FormParams): MethodTypes {
  const legacy = readStringList(params, 'payment_method_types');
  if (legacy && ctx.apiVersion >= ALLOWED_TYPES_API_VERSION) throw parameterUnknown('payment_method_types');
  const allowed = readStringList(params, 'allowed_payment_method_types');
  const enabled = readBoolean(params, 'automatic_payment_methods', 'enabled');
  const allowRedirects = readEnum(
    params,
    ['always', 'never'],
    'automatic_payment_methods',
    'allow_redirects',
  );
  if (legacy && enabled !== undefined) {
    throw invalidRequest(
      'You may only specify one of these parameters: automatic_payment_methods, payment_method_types.',
      { code: 'parameters_exclusive' },
    );
  }
  if (legacy) checkSupported(legacy, 'payment_method_types');
  if (allowed) checkSupported(allowed, 'allowed_payment_method_types');
  const list = allowed ?? legacy;
  const automatic = { allow_redirects: allowRedirects ?? 'always', enabled: true };
  if (list) {
    return {
      allowed_payment_method_types: allowed ?? null,
      automatic_payment_methods: enabled ? automatic : null,
      payment_method_types: list,
    };
  }
  return {
    allowed_payment_method_types: null,
    automatic_payment_methods: enabled === false ? null : automatic,
    payment_method_types: ['card'],
  };
}
