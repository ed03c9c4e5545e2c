import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/src/local-stack.ts';
import { startTestStack } from '../support/test-stack.ts';

/**
 * The local console in a real headless browser (Debian's chromium, driven by playwright-core): a person's walk from
 * connecting a clinic to reading the report, each result read off the page, each screen saved as a screenshot under
 * test-artifacts/console/. Without chromium the test skips locally with a message; under CI=true it fails instead
 * (.ci/run installs chromium).
 */
const chromiumPath = '/usr/bin/chromium';
const underCi = process.env.CI === 'true';
const chromiumMissing = !existsSync(chromiumPath);
const artifacts = join(process.cwd(), 'test-artifacts', 'console');
if (chromiumMissing && !underCi) {
  console.warn(
    `console.test.ts SKIPPED: no chromium at ${chromiumPath} (apt-get install -y chromium). Under CI=true this fails.`,
  );
}

describe.skipIf(chromiumMissing && !underCi)('the local console in a browser', () => {
  let stack: LocalStack;
  let browser: BrowserContext;
  let page: Page;
  let userDataDir: string;
  const clinicId = `clinic_console_${Math.random().toString(36).slice(2, 10)}`;

  beforeAll(async () => {
    if (chromiumMissing)
      throw new Error(`CI=true and no chromium at ${chromiumPath}: .ci/run must install it.`);
    mkdirSync(artifacts, { recursive: true });
    stack = await startTestStack();
    userDataDir = mkdtempSync(join(tmpdir(), 'basis-console-chromium-'));
    // A fresh profile per run (playwright passes it as --user-data-dir).
    browser = await chromium.launchPersistentContext(userDataDir, {
      executablePath: chromiumPath,
      headless: true,
      viewport: { width: 1100, height: 800 },
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = browser.pages()[0] ?? (await browser.newPage());
    page.setDefaultTimeout(20_000);
  });

  afterEach(async (context) => {
    // What the page showed when a step failed, next to the screens' screenshots.
    if (context.task.result?.state === 'fail')
      await shot(`failed-${context.task.name.slice(0, 40).replace(/\W+/g, '-')}`);
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  const open = async (screen: string) => {
    await page.goto(`${stack.apiUrl}/console/#${screen}`);
    await page.locator('section.screen h2').waitFor();
  };
  const shot = (name: string) => page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
  /** The text of the first element matching the selector, awaited until it appears. */
  const textOf = async (selector: string) =>
    ((await page.locator(selector).first().textContent()) ?? '').trim();
  /** Waits until the element's text is exactly `expected` (the page updates after webhooks arrive). */
  const reads = (selector: string, expected: string) =>
    expect.poll(() => textOf(selector), { timeout: 20_000, interval: 100 }).toBe(expected);
  /** Waits until the element's text contains `expected`. */
  const shows = (selector: string, expected: string) =>
    expect.poll(() => textOf(selector), { timeout: 20_000, interval: 100 }).toContain(expected);

  it('connects a clinic, sets a price, books and pays, refunds part, and reports the totals', async () => {
    await open('connect');
    await page.fill('#session-clinic', clinicId);
    await page.press('#session-clinic', 'Tab'); // leaving the field commits it (a change event)
    await shows('#connection-current', 'not connected');
    await page.click('#make-up-keys');
    expect(await page.inputValue('#secretKey')).toMatch(/^sk_test_console/);
    await page.click('#connect');
    await reads('#connect-result', 'Connected test mode.');
    await reads('#connection-current #connection-status', 'connected');
    await shows(
      '#connection-current #connection-webhook',
      `managed → ${stack.apiUrl}/stripe_webhook_test/${clinicId}`,
    );
    await shot('1-connect');

    await open('pricing');
    await page.fill('#serviceId', 'svc_console_checkup');
    await page.fill('#amount', '5000');
    await page.click('#save-price');
    await reads('#pricing-price', '50.00 USD');
    await reads('#pricing-payment-at-booking', 'required');
    await shot('2-pricing');

    await open('book');
    expect(await page.inputValue('#bookingServiceId')).toBe('svc_console_checkup');
    await page.click('#book');
    await reads('#booking-status', 'requires_payment_method');
    await reads('#booking-amount', '50.00 USD');
    await page.selectOption('#card', 'pm_card_visa');
    await page.click('#pay');
    await reads('#stripe-says', 'Stripe.js: succeeded');
    await reads('#booking-payment-status', 'succeeded');
    await shot('3-book-and-pay');

    await open('payments');
    await shows('#payments-table', 'succeeded');
    await reads('#payment-status', 'succeeded');
    await page.fill('#refundAmount', '2000');
    await page.click('#refund');
    await shows('#refund-result', 'accepted');
    await reads('#payment-amount-refunded', '20.00 USD');
    await reads('#payment-refund-status', 'partial');
    await shows('#payment-refunds', 'succeeded');
    await shot('4-payment-refund');

    await open('reports');
    await page.click('#show-report');
    await reads('.report-gross-usd', '50.00 USD');
    await reads('.report-refunded-usd', '20.00 USD');
    await reads('.report-net-usd', '30.00 USD');
    await shot('5-report');
  });

  it('saves and removes a card, pays out, lists the ledger, and says plainly what this API lacks', async () => {
    await open('cards');
    await reads('#cards-list', 'No saved cards.');
    await page.click('#save-card');
    await shows('#saved-cards', 'visa •••• 4242');
    await shot('6-cards');
    await page.locator('#saved-cards button').first().click();
    await reads('#cards-list', 'No saved cards.');

    await open('payouts');
    await page.click('#create-payout');
    await shows('#payouts-table', 'paid');
    await page.locator('#payouts-table button').first().click();
    await shows('#payout-items', 'charge');
    await shot('7-payouts');

    await open('events');
    await shows('#events-table', 'payment_intent.succeeded');
    await shot('8-events');

    await open('health');
    await shows('#health-status', 'Status: healthy');
    await shows('#health-checks', 'webhook_endpoint');
    await shot('9-health');

    await open('memberships');
    await page.click('#save-plan');
    await shows('#plan-saved', '30.00 USD a month');
    await page.click('#sign-up');
    await shows('#memberships-table', 'active');
    await shot('10-memberships');

    // A message parked in the payments DLQ, as after its retries: the operations view shows it and redrives it.
    await stack.sqs.send(
      new SendMessageCommand({
        QueueUrl: stack.queues.payments.dlqUrl,
        MessageBody: '{"kind":"console.probe"}',
      }),
    );
    await open('operations');
    await shows('#queues-table', 'payments');
    await reads('#dlq-payments', '1');
    await shot('11-operations');
    await page.click('#redrive-payments');
    await shows('#redrive-result', 'Moved 1 messages back to payments.');
    await reads('#dlq-payments', '0');
  });
});
