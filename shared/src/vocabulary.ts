/**
 * The words every context shares. A Stripe mode (`test` for a clinic's Development environment, `live` for
 * Production) is part of every mode-specific key and record; a role is what a Basis user token says its holder is.
 */
export const modes = ['test', 'live'] as const;
export type Mode = (typeof modes)[number];

export const roles = ['clinic_admin', 'staff', 'client'] as const;
export type Role = (typeof roles)[number];
