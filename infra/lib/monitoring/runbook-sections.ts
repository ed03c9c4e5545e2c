/**
 * The sections of docs/runbook.md that alarms point to, by heading. An alarm's description ends with
 * `Runbook: docs/runbook.md#<anchor>`, the anchor GitHub makes of the heading; a test checks that every anchor an
 * alarm names is a heading of the runbook.
 */
export const runbookSections = {
  deadLetters: 'Dead letters in a queue',
  oldestMessage: 'Oldest message too old',
  functionErrors: 'Function errors',
  apiServerErrors: 'API answered 5xx',
  httpApi5xx: 'HTTP API 5xx',
  webhookSignatures: 'Webhook signatures refused',
  webhookEnqueue: 'Webhook enqueue failed',
  workerFailures: 'Worker records failed',
  internalMessages: 'Internal messages failed',
  refundStuck: 'Refund stuck pending',
  sweepHealed: 'Sweep healed events',
  sweepFailed: 'Sweep failed events',
  stripeCalls: 'Stripe calls failing',
} as const;

export type RunbookSection = keyof typeof runbookSections;

/** GitHub's anchor of a Markdown heading: lower case, punctuation dropped, spaces as hyphens. */
export function headingAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

/** `Runbook: docs/runbook.md#<anchor>`: how an alarm's description names its section. */
export function runbookLink(section: RunbookSection): string {
  return `Runbook: docs/runbook.md#${headingAnchor(runbookSections[section])}`;
}
