import { CATALOGUE, catalogueEntry, sampleData, variableKinds, type CatalogueEntry } from '../../src/core/outbox/catalogue';
import { editableDefault } from '../../src/core/outbox/defaults';
import {
  chunksToHtml,
  compileTemplate,
  parseTemplate,
  renderNodes,
  TemplateError,
  type TemplateProblem,
  type VariableKind,
} from '../../src/core/outbox/engine';
import { EMAIL_TEMPLATES } from '../../src/core/outbox/enqueue';
import { createEmailRenderer } from '../../src/core/outbox/render';

const renderer = createEmailRenderer({ baseUrl: 'https://sesame.example.com' });
const kinds = new Map<string, VariableKind>([
  ['name', 'text'],
  ['reference', 'code'],
  ['urgent', 'flag'],
  ['comment', 'multiline'],
  ['links.entry', 'link'],
]);
const render = (source: string, values: Record<string, string | number | boolean>) =>
  renderNodes(compileTemplate(source, kinds), new Map(Object.entries(values)), kinds)
    .map((c) => c.text)
    .join('');

function problemsOf(source: string): TemplateProblem[] {
  try {
    compileTemplate(source, kinds);
  } catch (err) {
    if (err instanceof TemplateError) return err.problems;
    throw err;
  }
  return [];
}

describe('the e-mail template language', () => {
  it('prints documented variables and keeps everything else as typed', () => {
    expect(render('Bonjour {{ name }}, {{reference}} <b>&', { name: 'Zoé', reference: '123' })).toBe('Bonjour Zoé, 123 <b>&');
  });

  it('shows or hides conditional passages, and removes a tag alone on its line', () => {
    const source = 'A\n{% if urgent %}\nUrgent!\n{% else %}\nNormal.\n{% endif %}\nB {% if not name %}(anonymous){% endif %}';
    expect(render(source, { urgent: true, name: 'x' })).toBe('A\nUrgent!\nB ');
    expect(render(source, { urgent: false, name: '' })).toBe('A\nNormal.\nB (anonymous)');
  });

  it.each([
    ['{{ range.constructor }}', 'email-templates:errors.unknownVariable'],
    ["{{ t.constructor('return process')() }}", 'email-templates:errors.notAVariable'],
    ['{{ constructor }}', 'email-templates:errors.unknownVariable'],
    ['{{ __proto__ }}', 'email-templates:errors.notAVariable'],
    ['{{ process.env }}', 'email-templates:errors.unknownVariable'],
    ['{{ global }}', 'email-templates:errors.unknownVariable'],
    ['{{ name | safe }}', 'email-templates:errors.notAVariable'],
    ['{{ name + 1 }}', 'email-templates:errors.notAVariable'],
    ['{{ links["entry"] }}', 'email-templates:errors.notAVariable'],
    ['{% set x = name %}', 'email-templates:errors.unknownTag'],
    ['{% include "layout.njk" %}', 'email-templates:errors.unknownTag'],
    ['{% for x in name %}{% endfor %}', 'email-templates:errors.unknownTag'],
    ['{% if name.constructor %}x{% endif %}', 'email-templates:errors.unknownVariable'],
    ['{% raw %}{{ x }}{% endraw %}', 'email-templates:errors.unknownTag'],
    ['Bonjour {{ name }', 'email-templates:errors.unclosed'],
    ['Bonjour { name }}', 'email-templates:errors.strayClose'],
    ['{% if urgent %}x', 'email-templates:errors.unclosedIf'],
    ['x{% endif %}', 'email-templates:errors.endifWithoutIf'],
    ['{% else %}', 'email-templates:errors.elseWithoutIf'],
    ['{% if urgent %}a{% else %}b{% else %}c{% endif %}', 'email-templates:errors.secondElse'],
    ['{{ urgent }}', 'email-templates:errors.flagOutput'],
  ])('refuses %s', (source, key) => {
    expect(problemsOf(source).map((p) => p.key)).toContain(key);
  });

  it('reports the line of each problem, and every unknown variable', () => {
    expect(problemsOf('Bonjour,\n\n{{ firstname }} {{ nom }}')).toEqual([
      { key: 'email-templates:errors.unknownVariable', params: { name: 'firstname', line: 3 } },
      { key: 'email-templates:errors.unknownVariable', params: { name: 'nom', line: 3 } },
    ]);
    expect(problemsOf('a\nb {% foo %}')[0]?.params.line).toBe(2);
  });

  it('never looks a name up through a prototype, even if the checker were bypassed', () => {
    const nodes = parseTemplate('{{ constructor }}{{ toString }}');
    // Unchecked names resolve in a Map of documented values only: nothing there, so nothing is printed or called.
    expect(() => renderNodes(nodes, new Map(), kinds)).toThrow(/no value for constructor/);
  });

  it('builds the HTML body with every character escaped, links clickable, codes large', () => {
    const nodes = compileTemplate('Bonjour {{ name }} <script>\n\n{{ reference }}\n\nOuvrez :\n{{ links.entry }}\n\n{{ comment }}', kinds);
    const html = chunksToHtml(
      renderNodes(
        nodes,
        new Map<string, string>([
          ['name', '<img src=x onerror=alert(1)>'],
          ['reference', '123'],
          ['links.entry', 'https://s.example/access?ref=1&x=2'],
          ['comment', 'a\n<b>'],
        ]),
        kinds,
      ),
    );
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).toContain('Bonjour &lt;img src=x onerror=alert(1)&gt; &lt;script&gt;');
    expect(html).toContain('<a href="https://s.example/access?ref=1&amp;x=2"');
    expect(html).toMatch(/<span style="[^"]*font-size:24px[^"]*">123<\/span>/);
    expect(html).toContain('a<br>\n&lt;b&gt;');
  });
});

describe('the catalogue of e-mail variables', () => {
  it('documents every e-mail', () => {
    expect(CATALOGUE.map((e) => e.template).sort()).toEqual([...EMAIL_TEMPLATES].sort());
  });

  it('has a sample for every variable, and the e-mails render from the samples', () => {
    for (const entry of CATALOGUE) {
      for (const lang of ['fr', 'en'] as const) {
        expect(() => renderer.render(entry.template, lang, sampleData(entry, lang))).not.toThrow();
      }
    }
  });
});

/** The data variants a default must render alike in both engines: all set, then each optional one empty. */
function variants(entry: CatalogueEntry, lang: 'fr' | 'en'): Array<Record<string, unknown>> {
  const base = sampleData(entry, lang);
  const out: Array<Record<string, unknown>> = [base, { ...base, firstName: '', lastName: '' }, { ...base, firstName: '' }];
  for (const v of entry.variables.filter((x) => x.optional && !x.name.includes('.') && x.name !== 'fullName')) {
    out.push({ ...base, [v.name]: v.kind === 'flag' ? false : v.kind === 'number' ? 0 : '' });
  }
  return out;
}

describe('the defaults in the editor', () => {
  it.each(CATALOGUE.flatMap((e) => (['fr', 'en'] as const).map((lang) => [e.template, lang] as const)))(
    '%s (%s): the editable default sends exactly what the default file sends',
    (template, lang) => {
      const entry = catalogueEntry(template) as CatalogueEntry;
      const editable = editableDefault(renderer, entry, lang);
      expect(editable.body).not.toMatch(/\uE000|\uE001/);
      expect(() => compileTemplate(editable.subject, variableKinds(entry))).not.toThrow();
      for (const data of variants(entry, lang)) {
        const fromFile = renderer.render(template, lang, data);
        const fromEditable = renderer.render(template, lang, data, { subject: editable.subject, body: editable.body });
        expect(fromEditable.subject).toBe(fromFile.subject);
        expect(fromEditable.text).toBe(fromFile.text);
      }
    },
  );

  it('falls back to the default file when an edited version prints a value the e-mail does not carry', () => {
    const data = { reference: '1234567897', firstName: 'Zoé', lastName: 'Martin', title: '' }; // no termsVersion (an older row)
    const mail = renderer.render('approved', 'fr', data, { subject: 'Version {{ termsVersion }}', body: null });
    expect(mail.subject).toBe('Votre demande de carte Corporate a été approuvée');
  });

  it('shows variables as {{ name }} and conditions as {% if %}', () => {
    const approved = editableDefault(renderer, catalogueEntry('approved') as CatalogueEntry, 'fr');
    expect(approved.body).toContain('Bonjour{% if fullName %} {{ fullName }}{% endif %},');
    expect(approved.body).toContain(
      '{% if termsVersion %} (version {{ termsVersion }}{% if termsAcceptedOn %}, acceptée le {{ termsAcceptedOn }}{% endif %}){% endif %}',
    );
    expect(approved.body).toContain('{{ links.entry }}');
  });
});
