import type { Language } from '../../platform/i18n';
import { tidyText, type EmailRenderer } from './render';
import { DERIVED_VARIABLES, type CatalogueEntry, variableKinds } from './catalogue';
import { chunksToText, parseTemplate, renderNodes, type VariableValue } from './engine';

/**
 * The default of an e-mail, in the editor's language.
 *
 * The defaults are the files views/emails/<template>/<lang>.njk (rich HTML, shared macros), which stay what is sent
 * until the platform administrator saves an edited version. To let the administrator start from the default, its
 * subject and text body are rendered with a placeholder in place of each documented variable, and the placeholders
 * are written back as `{{ name }}`. A default's `{% if %}` blocks are recovered by rendering once more with each
 * optional variable empty and wrapping what differs in `{% if name %} … {% else %} … {% endif %}`.
 *
 * Every result is checked before it is returned: rendered by the editor's engine with the placeholders, it must give
 * exactly what the default file gives, with every optional variable set and with each one empty (test/email-templates
 * checks every e-mail in both languages with real sample values too).
 */

export interface EditableTemplate {
  subject: string;
  body: string;
}

const OPEN = '\uE000';
const CLOSE = '\uE001';
const placeholder = (name: string) => `${OPEN}${name}${CLOSE}`;
const PLACEHOLDER_RE = /\uE000([A-Za-z0-9_.]+)\uE001/g;

class DefaultNotEditableError extends Error {
  constructor(template: string, language: string, reason: string) {
    super(`the default of ${template}/${language} cannot be shown in the editor: ${reason}`);
    this.name = 'DefaultNotEditableError';
  }
}

function falsyOf(kind: string): string | number | boolean {
  return kind === 'flag' ? false : kind === 'number' ? 0 : '';
}

/** The text block without the layout's signature ("-- " line and what follows), as the editor shows it. */
function withoutSignature(text: string): string {
  const at = text.lastIndexOf('\n-- \n');
  return (at === -1 ? text : text.slice(0, at)).trimEnd();
}

interface Interval {
  name: string;
  start: number;
  end: number;
  otherwise: string;
}

/** Where `variant` differs from `base`: base[start, end) is replaced by `otherwise` (one contiguous difference). */
function difference(name: string, base: string, variant: string): Interval | null {
  if (base === variant) return null;
  let p = 0;
  while (p < base.length && p < variant.length && base[p] === variant[p]) p++;
  let s = 0;
  while (s < base.length - p && s < variant.length - p && base[base.length - 1 - s] === variant[variant.length - 1 - s]) s++;
  let start = p;
  let endA = base.length - s;
  let endB = variant.length - s;
  // Move the block's line breaks to its front (the same text either way), so its tags follow the text of the line
  // before instead of standing alone on a line, which the engine would remove.
  while (
    start > 0 &&
    base[start - 1] === '\n' &&
    (endA === start || base[endA - 1] === '\n') &&
    (endB === start || variant[endB - 1] === '\n') &&
    !(endA === start && endB === start)
  ) {
    start--;
    endA--;
    endB--;
  }
  // Never cut a word in two ("Le{% if x %}s conditions"): widen the block to whole words, on both sides alike.
  const word = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}]/u.test(c);
  let otherwise = variant.slice(start, endB);
  if (endA > start || endB > start) {
    while (start > 0 && word(base[start - 1]) && word(base[start])) {
      start--;
      otherwise = (base[start] as string) + otherwise;
    }
    while (endA < base.length && word(base[endA - 1]) && word(base[endA])) {
      otherwise += base[endA] as string;
      endA++;
    }
  }
  return { name, start, end: endA, otherwise };
}

/** Inserts the {% if %} tags of nested or disjoint intervals into `base`. */
function wrap(base: string, intervals: Interval[]): string | null {
  for (const a of intervals) {
    for (const b of intervals) {
      if (a === b) continue;
      const disjoint = a.end <= b.start || b.end <= a.start;
      const nested = (a.start <= b.start && b.end <= a.end) || (b.start <= a.start && a.end <= b.end);
      if (!disjoint && !nested) return null;
    }
  }
  // Outer blocks open first and close last.
  const ordered = [...intervals].sort((a, b) => a.start - b.start || b.end - b.start - (a.end - a.start));
  const emit = (list: Interval[], from: number, until: number): string => {
    let out = '';
    let pos = from;
    let i = 0;
    while (i < list.length) {
      const iv = list[i] as Interval;
      const inner: Interval[] = [];
      let j = i + 1;
      while (iv.start < iv.end && j < list.length && (list[j] as Interval).start >= iv.start && (list[j] as Interval).end <= iv.end)
        inner.push(list[j++] as Interval);
      out += base.slice(pos, iv.start);
      if (iv.start === iv.end) out += `{% if not ${iv.name} %}${iv.otherwise}{% endif %}`;
      else out += `{% if ${iv.name} %}${emit(inner, iv.start, iv.end)}${iv.otherwise ? `{% else %}${iv.otherwise}` : ''}{% endif %}`;
      pos = iv.end;
      i = j;
    }
    return out + base.slice(pos, until);
  };
  return emit(ordered, 0, base.length);
}

export function editableDefault(renderer: EmailRenderer, entry: CatalogueEntry, language: Language): EditableTemplate {
  const fail = (reason: string): never => {
    throw new DefaultNotEditableError(entry.template, language, reason);
  };
  const derived = DERIVED_VARIABLES.filter((d) => entry.variables.some((v) => v.name === d.name));
  const optional = entry.variables.filter((v) => v.optional);

  /** Subject and text of the default with placeholders, `empty` (if any) set to its empty value. */
  const renderWith = (empty?: string): { subject: string; body: string } => {
    const data: Record<string, unknown> = {};
    const links: Record<string, string> = {};
    for (const v of entry.variables) {
      if (v.name.startsWith('links.')) links[v.name.slice(6)] = placeholder(v.name);
      else if (!derived.some((d) => d.name === v.name)) data[v.name] = v.name === empty ? falsyOf(v.kind) : placeholder(v.name);
    }
    for (const d of derived) if (d.name === empty) for (const f of d.from) data[f] = '';
    let subject = renderer
      .renderDefaultPart(entry.template, language, 'subject', { ...data, links })
      .replace(/\s+/g, ' ')
      .trim();
    let body = withoutSignature(tidyText(renderer.renderDefaultPart(entry.template, language, 'text', { ...data, links })));
    for (const d of derived) {
      const joined = d.from.map(placeholder).join(d.separator);
      subject = subject.split(joined).join(placeholder(d.name));
      body = body.split(joined).join(placeholder(d.name));
    }
    return { subject, body };
  };

  const base = renderWith();
  const variants = new Map(optional.map((v) => [v.name, renderWith(v.name)]));
  const build = (part: 'subject' | 'body'): string => {
    const intervals = optional
      .map((v) => difference(v.name, base[part], (variants.get(v.name) as { subject: string; body: string })[part]))
      .filter((x): x is Interval => x !== null);
    const wrapped = wrap(base[part], intervals) ?? fail(`the ${part}'s optional blocks overlap`);
    return wrapped.replace(PLACEHOLDER_RE, (_m, name: string) => `{{ ${name} }}`);
  };
  const result = { subject: build('subject'), body: build('body') };

  // The proof: the engine gives back each rendering of the default file.
  const kinds = variableKinds(entry);
  for (const part of ['subject', 'body'] as const) {
    const nodes = parseTemplate(result[part]);
    for (const empty of [undefined, ...optional.map((v) => v.name)]) {
      const values = new Map<string, VariableValue>(entry.variables.map((v) => [v.name, v.name === empty ? falsyOf(v.kind) : placeholder(v.name)]));
      let text = chunksToText(renderNodes(nodes, values, kinds));
      if (part === 'subject') text = text.replace(/\s+/g, ' ').trim();
      const expected = empty ? (variants.get(empty) as { subject: string; body: string })[part] : base[part];
      if (text !== expected) fail(`the ${part} does not render back${empty ? ` with ${empty} empty` : ''}`);
    }
  }
  return result;
}
