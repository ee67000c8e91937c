import nunjucks from 'nunjucks';
import request from 'supertest';
import { createTestContext, type TestContext } from '../support/app';
import { configureViews, rememberFrameNameSplits, skipEscapingPlainText } from '../../src/platform/views';

type FrameClass = { prototype: { set: (...args: unknown[]) => void } };
const Frame = (nunjucks as unknown as { runtime: { Frame: FrameClass } }).runtime.Frame;

const TEMPLATE = `
{%- set total = 0 -%}
{%- macro cell(v, i) %}<td data-i="{{ i }}">{{ v }}</td>{% endmacro -%}
{%- for row in rows -%}
  {%- set total = total + row.n -%}
  <tr data-first="{{ loop.first }}" data-last="{{ loop.last }}" data-rev="{{ loop.revindex0 }}">
  {%- for c in row.cells %}{{ cell(c, loop.index) }}{% set inner = loop.index %}{% endfor -%}
  {%- if loop.index is odd %}{% set odd = row.n %}{% endif -%}
  </tr>{{ inner | default('none') }}
{%- endfor -%}
{{ total }} {{ odd | default('no odd') }}
{%- set outer = 'o' -%}{% if true %}{% set outer = 'changed' %}{% endif %} {{ outer }}
{%- for k, v in {a: 1, b: 2} %} {{ k }}={{ v }}/{{ loop.length }}{% endfor %}
{%- for a, b in [[1, 2], [3, 4]] %} {{ a }}{{ b }}{% else %}empty{% endfor %}
{%- for x in [] %}{{ x }}{% else %} nothing{% endfor %}`;

describe('views: remembered name splits in Nunjucks frames', () => {
  it('render exactly as Nunjucks does without it (loops, loop variables, set in scopes, macros)', () => {
    const env = new nunjucks.Environment(null, { autoescape: true });
    const ctx = { rows: [1, 2, 3, 4, 5].map((n) => ({ n, cells: ['a', '<b>', n] })) };
    const before = env.renderString(TEMPLATE, ctx);
    expect(before).toContain('data-first="true"');
    rememberFrameNameSplits(Frame as never);
    expect(Frame.prototype.set.toString()).toContain('splits');
    const after = env.renderString(TEMPLATE, ctx);
    expect(after).toBe(before);
    // Applying it twice changes nothing.
    rememberFrameNameSplits(Frame as never);
    expect(env.renderString(TEMPLATE, ctx)).toBe(before);
  });
});

describe('views: plain text written without escaping work', () => {
  it('renders exactly as Nunjucks does without it (autoescape, the escape filters, safe strings)', () => {
    const lib = (nunjucks as unknown as { lib: { escape: (v: string) => string } }).lib;
    const env = new nunjucks.Environment(null, { autoescape: true });
    const values = ['Dupont', '', 'Marie-Hélène', "L'Oréal & Fils", '<script>alert("x")</script>', 'a\\b', '>', '&amp;', 42, 0, true, '\u202e'];
    const template = '{% for v in values %}[{{ v }}|{{ v | escape }}|{{ v | forceescape }}|{{ v | safe }}]{% endfor %}';
    const before = env.renderString(template, { values });
    expect(before).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(before).toContain('L&#39;Oréal &amp; Fils');
    expect(before).toContain('a&#92;b');
    const original = lib.escape;
    skipEscapingPlainText(lib as never);
    expect(lib.escape).not.toBe(original);
    expect(env.renderString(template, { values })).toBe(before);
    // Applying it twice changes nothing.
    const once = lib.escape;
    skipEscapingPlainText(lib as never);
    expect(lib.escape).toBe(once);
    expect(env.renderString(template, { values })).toBe(before);
  });
});

describe('views: one environment per process', () => {
  const contexts: TestContext[] = [];
  afterAll(() => Promise.all(contexts.map((c) => c.close())));

  it('is shared by the apps, and each renders its own pages with it', async () => {
    contexts.push(await createTestContext(), await createTestContext({ PUBLIC_BASE_URL: 'https://autre.example.org' }));
    const [a, b] = contexts as [TestContext, TestContext];
    expect(a.app.get('nunjucksEnv')).toBe(b.app.get('nunjucksEnv'));
    expect(a.app.get('nunjucksEnv')).toBe(configureViews(undefined));
    for (const [ctx, lang, title] of [
      [a, 'fr', 'Page introuvable'],
      [b, 'en', 'Page not found'],
      [a, 'en', 'Page not found'],
      [b, 'fr', 'Page introuvable'],
    ] as const) {
      const res = await request(ctx.app).get(`/nowhere?lang=${lang}`);
      expect(res.status).toBe(404);
      expect(res.text).toContain(`<html lang="${lang}"`);
      expect(res.text).toContain(title);
    }
  });
});
