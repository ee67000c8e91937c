import { escapeHtml } from '../../src/lib/html';
import { cellHtml, cellsHtml } from '../../src/features/tracking/summary-view';

describe('summary cells as markup', () => {
  it('links a non-zero count to its list, with its count and status as data attributes', () => {
    expect(cellHtml({ n: 1234, text: '1 234', href: '/admin/tracking/applications?key=7&status=invited', status: 'invited' })).toBe(
      '<td class="num" data-count="1234" data-status="invited"><a href="/admin/tracking/applications?key=7&amp;status=invited">1 234</a></td>',
    );
  });

  it('shows zero as plain text, and a total without a status', () => {
    expect(cellHtml({ n: 0, text: '0', href: null })).toBe('<td class="num tracking-summary__zero" data-count="0">0</td>');
    expect(cellsHtml([{ n: 0, text: '0', href: null }, { n: 2, text: '2', href: '/x' }])).toBe(
      '<td class="num tracking-summary__zero" data-count="0">0</td><td class="num" data-count="2"><a href="/x">2</a></td>',
    );
  });

  it('escapes what it writes like the templates do', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&\\</a>`)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&#92;&lt;/a&gt;');
    expect(cellHtml({ n: 1, text: '<1>', href: '/l?a="b"' })).toBe('<td class="num" data-count="1"><a href="/l?a=&quot;b&quot;">&lt;1&gt;</a></td>');
  });
});
