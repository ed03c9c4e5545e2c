import type { PaymentsReport } from '@basis/api-client';
import { field, h, inputValue, money, table } from '../dom.ts';
import { actionButton, frame, output, type Screen } from '../screen.ts';
import { api, session, unwrap } from '../session.ts';

/** The first day of this month and of the next (UTC), as `YYYY-MM-DD`: the API's default window. */
function currentMonth(): { from: string; to: string } {
  const now = new Date();
  const day = (year: number, month: number) => new Date(Date.UTC(year, month, 1)).toISOString().slice(0, 10);
  return {
    from: day(now.getUTCFullYear(), now.getUTCMonth()),
    to: day(now.getUTCFullYear(), now.getUTCMonth() + 1),
  };
}

function reportView(report: PaymentsReport): HTMLElement {
  return h(
    'div',
    {},
    h(
      'p',
      { id: 'report-window' },
      `${report.mode} mode, from ${report.from} up to (not including) ${report.to}`,
    ),
    report.currencies.length === 0
      ? h('p', {}, 'Nothing in this window.')
      : table(
          [
            'currency',
            'gross',
            'refunded',
            'net',
            'succeeded',
            'failed',
            'refunded (full)',
            'refunded (partly)',
          ],
          report.currencies.map((totals) => [
            totals.currency.toUpperCase(),
            h('span', { class: `report-gross-${totals.currency}` }, money(totals.gross, totals.currency)),
            h(
              'span',
              { class: `report-refunded-${totals.currency}` },
              money(totals.refunded, totals.currency),
            ),
            h('span', { class: `report-net-${totals.currency}` }, money(totals.net, totals.currency)),
            totals.succeededCount,
            totals.failedCount,
            totals.refundedCount,
            totals.partiallyRefundedCount,
          ]),
          'report-table',
        ),
  );
}

/** The payments report of a window `[from, to)` (`GET …/reports/payments`), and its CSV. */
export const reportsScreen: Screen = {
  id: 'reports',
  title: 'Reports',
  render() {
    const result = output('report-result');
    const month = currentMonth();
    // The API takes ISO instants; the form's UTC days start at midnight UTC.
    const query = () => ({
      mode: session.mode,
      from: `${inputValue('reportFrom')}T00:00:00Z`,
      to: `${inputValue('reportTo')}T00:00:00Z`,
    });
    const show = actionButton('Show report', 'show-report', result, async () => {
      const answer = await api('staff').GET('/v1/clinics/{clinicId}/reports/payments', {
        params: { path: { clinicId: session.clinicId }, query: query() },
      });
      // The contract answers JSON or CSV on one route; without format=csv it is the JSON report.
      return reportView(unwrap(answer) as PaymentsReport);
    });
    const csv = actionButton('Download CSV', 'download-csv', result, async () => {
      const answer = await api('staff').GET('/v1/clinics/{clinicId}/reports/payments', {
        params: { path: { clinicId: session.clinicId }, query: { ...query(), format: 'csv' } },
        parseAs: 'text',
      });
      const text = String(unwrap(answer));
      const link = h(
        'a',
        {
          href: URL.createObjectURL(new Blob([text], { type: 'text/csv' })),
          download: `payments-${inputValue('reportFrom')}.csv`,
        },
        'Save the CSV',
      );
      return h('div', {}, h('pre', {}, text), link);
    });
    return frame(
      'Reports',
      'staff',
      'Gross counts payments that succeeded in the window; refunded counts refunds that succeeded in it, whichever month their payment was in. Dates are UTC days; “to” is not included.',
      h(
        'form',
        { class: 'grid', onsubmit: (event) => event.preventDefault() },
        field('From', 'reportFrom', month.from, { type: 'date' }),
        field('To', 'reportTo', month.to, { type: 'date' }),
      ),
      h('div', { class: 'actions' }, show, csv),
      result,
    );
  },
};
