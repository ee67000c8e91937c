import { escapeHtml } from '../../src/lib/html';
import { summaryCells } from '../../src/features/tracking/summary-view';
import type { Status } from '../../src/core/application/status';

const STATUSES: Status[] = ['invited', 'pending_approval'];
const counts = (invited: number, pending: number, urgent: number) => ({
  counts: { invited, pending_approval: pending } as Record<Status, number>,
  total: invited + pending,
  urgent,
});

describe('summary cells as markup', () => {
  const cells = summaryCells('/admin/tracking/applications', STATUSES, (n) =>
    n >= 1000 ? `${Math.floor(n / 1000)} ${String(n % 1000).padStart(3, '0')}` : String(n),
  );

  it('links each non-zero count to its list, with its count and status as data attributes; zero is plain text', () => {
    expect(cells.row(7, counts(1234, 0, 2))).toBe(
      '<td class="num" data-count="1234" data-status="invited"><a href="/admin/tracking/applications?key=7&amp;status=invited">1 234</a></td>' +
        '<td class="num tracking-summary__zero" data-count="0" data-status="pending_approval">0</td>' +
        '<td class="num" data-count="1234"><a href="/admin/tracking/applications?key=7">1 234</a></td>' +
        '<td class="num" data-count="2"><a href="/admin/tracking/applications?key=7&amp;priority=urgent">2</a></td>',
    );
  });

  it('leaves the key out of the totals row', () => {
    expect(cells.row(null, counts(0, 3, 0))).toBe(
      '<td class="num tracking-summary__zero" data-count="0" data-status="invited">0</td>' +
        '<td class="num" data-count="3" data-status="pending_approval"><a href="/admin/tracking/applications?status=pending_approval">3</a></td>' +
        '<td class="num" data-count="3"><a href="/admin/tracking/applications">3</a></td>' +
        '<td class="num tracking-summary__zero" data-count="0">0</td>',
    );
  });

  it('escapes what it writes like the templates do: the list address, the statuses and the numbers’ text', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&\\</a>`)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&#92;&lt;/a&gt;');
    const odd = summaryCells('/l?a="b"', ['<s>' as Status], () => '<1>');
    expect(odd.row(1, { counts: { ['<s>']: 1 } as unknown as Record<Status, number>, total: 1, urgent: 0 })).toBe(
      '<td class="num" data-count="1" data-status="&lt;s&gt;"><a href="/l?a=&quot;b&quot;?key=1&amp;status=%3Cs%3E">&lt;1&gt;</a></td>' +
        '<td class="num" data-count="1"><a href="/l?a=&quot;b&quot;?key=1">&lt;1&gt;</a></td>' +
        '<td class="num tracking-summary__zero" data-count="0">&lt;1&gt;</td>',
    );
  });
});
