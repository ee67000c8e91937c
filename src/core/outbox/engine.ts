/**
 * The template language of e-mails edited in the app (SPEC §4.1: "templates cannot run code or reach data beyond their
 * documented variables").
 *
 * It is deliberately not Nunjucks. A Nunjucks template is compiled to JavaScript and can walk from any value to its
 * constructor (`{{ range.constructor("return process")() }}`); this language has no expressions at all, so there is
 * nothing to walk. Its whole grammar:
 *
 *   {{ name }}              the value of a documented variable (`name` or `links.name`), nothing else
 *   {% if name %}           the lines up to {% else %} / {% endif %} only when the variable is set (not '', 0, false)
 *   {% if not name %}       the opposite
 *   {% else %}  {% endif %}
 *
 * Everything else is literal text. A tag alone on its line takes the line with it (like Nunjucks' trimBlocks and
 * lstripBlocks), so blocks can be written on their own lines. The parser refuses any other `{{ … }}` or `{% … %}`
 * content, and the checker refuses any name that is not a documented variable of the e-mail. The renderer looks each
 * name up in a Map built from the documented variables only (never in an object, never through a prototype) and
 * outputs strings and numbers only. No part of a template ever reaches JavaScript.
 */

import { escapeHtml } from '../../lib/html';

export type VariableKind = 'text' | 'multiline' | 'number' | 'code' | 'link' | 'flag';

/** A problem in a template, as a translation key with its parameters (line numbers count from 1). */
export interface TemplateProblem {
  key: string;
  params: Record<string, string | number>;
}

export class TemplateError extends Error {
  constructor(readonly problems: TemplateProblem[]) {
    super(problems.map((p) => `${p.key} ${JSON.stringify(p.params)}`).join('; '));
    this.name = 'TemplateError';
  }
}

export type TemplateNode =
  | { type: 'text'; value: string }
  | { type: 'var'; name: string; line: number }
  | { type: 'if'; name: string; negate: boolean; then: TemplateNode[]; otherwise: TemplateNode[]; line: number };

/** One piece of a rendered template: literal text, or a variable's value (with its kind, for the HTML version). */
export interface Chunk {
  text: string;
  kind?: VariableKind;
}

export type VariableValue = string | number | boolean | null | undefined;

const NAME = '[A-Za-z][A-Za-z0-9_]{0,39}(?:\\.[A-Za-z][A-Za-z0-9_]{0,39})?';
const OUTPUT_RE = new RegExp(`^${NAME}$`);
const IF_RE = new RegExp(`^if\\s+(not\\s+)?(${NAME})$`);
const MAX_DEPTH = 5;
const MAX_PROBLEM_EXCERPT = 40;
/** Delimiters and the allowed tags, given to the error messages as parameters (translations cannot hold braces). */
const OUTPUT_DELIMITERS = { open: '{{', close: '}}' };
const TAG_DELIMITERS = { open: '{%', close: '%}' };
const ALLOWED_TAGS = '{% if variable %}, {% if not variable %}, {% else %}, {% endif %}';

function lineAt(source: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index && i < source.length; i++) if (source.charCodeAt(i) === 10) line++;
  return line;
}

function excerpt(s: string): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > MAX_PROBLEM_EXCERPT ? `${one.slice(0, MAX_PROBLEM_EXCERPT)}…` : one;
}

/** Parses a template; throws TemplateError (syntax problems only, the variables are checked by checkVariables). */
export function parseTemplate(source: string): TemplateNode[] {
  const root: TemplateNode[] = [];
  type Frame = { node: Extract<TemplateNode, { type: 'if' }>; inElse: boolean };
  const stack: Frame[] = [];
  const target = () => {
    const top = stack[stack.length - 1];
    return top ? (top.inElse ? top.node.otherwise : top.node.then) : root;
  };
  const pushText = (value: string) => {
    if (value) target().push({ type: 'text', value });
  };
  const fail = (key: string, index: number, params: Record<string, string | number> = {}): never => {
    throw new TemplateError([{ key, params: { line: lineAt(source, index), ...params } }]);
  };

  const delimiters = /\{\{|\{%|\}\}|%\}/g;
  let pos = 0;
  for (;;) {
    delimiters.lastIndex = pos;
    const m = delimiters.exec(source);
    if (!m) break;
    const start = m.index;
    const open = m[0];
    if (open === '}}' || open === '%}') fail('email-templates:errors.strayClose', start, { found: open });
    const close = open === '{{' ? '}}' : '%}';
    const end = source.indexOf(close, start + 2);
    const nextOpen = source.slice(start + 2, end === -1 ? undefined : end).search(/\{\{|\{%/);
    if (end === -1 || nextOpen !== -1) fail('email-templates:errors.unclosed', start, open === '{{' ? OUTPUT_DELIMITERS : TAG_DELIMITERS);
    const inner = source.slice(start + 2, end).trim();
    const after = end + 2;

    if (open === '{{') {
      pushText(source.slice(pos, start));
      if (!OUTPUT_RE.test(inner)) fail('email-templates:errors.notAVariable', start, { found: excerpt(inner) || '{{ }}', ...OUTPUT_DELIMITERS });
      target().push({ type: 'var', name: inner, line: lineAt(source, start) });
      pos = after;
      continue;
    }

    // A tag alone on its line (only spaces around it) removes that whole line.
    const lineStart = source.lastIndexOf('\n', start - 1) + 1;
    const lineEndRaw = source.indexOf('\n', after);
    const lineEnd = lineEndRaw === -1 ? source.length : lineEndRaw;
    const standalone = lineStart >= pos && /^[ \t]*$/.test(source.slice(lineStart, start)) && /^[ \t\r]*$/.test(source.slice(after, lineEnd));
    pushText(source.slice(pos, standalone ? lineStart : start));
    pos = standalone ? Math.min(source.length, lineEnd + 1) : after;

    const ifMatch = IF_RE.exec(inner);
    if (ifMatch) {
      if (stack.length >= MAX_DEPTH) fail('email-templates:errors.tooDeep', start, { max: MAX_DEPTH, allowed: ALLOWED_TAGS });
      const node: Extract<TemplateNode, { type: 'if' }> = {
        type: 'if',
        name: ifMatch[2] as string,
        negate: Boolean(ifMatch[1]),
        then: [],
        otherwise: [],
        line: lineAt(source, start),
      };
      target().push(node);
      stack.push({ node, inElse: false });
    } else if (inner === 'else') {
      const top = stack[stack.length - 1];
      if (!top) fail('email-templates:errors.elseWithoutIf', start, { allowed: ALLOWED_TAGS });
      else if (top.inElse) fail('email-templates:errors.secondElse', start, { allowed: ALLOWED_TAGS });
      else top.inElse = true;
    } else if (inner === 'endif') {
      if (!stack.length) fail('email-templates:errors.endifWithoutIf', start, { allowed: ALLOWED_TAGS });
      stack.pop();
    } else {
      fail('email-templates:errors.unknownTag', start, { found: excerpt(inner) || '{% %}', allowed: ALLOWED_TAGS });
    }
  }
  pushText(source.slice(pos));
  const open = stack[stack.length - 1];
  if (open) throw new TemplateError([{ key: 'email-templates:errors.unclosedIf', params: { line: open.node.line, allowed: ALLOWED_TAGS } }]);
  return root;
}

/** Every problem with the names a template uses: unknown variables, and yes/no variables printed instead of tested. */
function checkVariables(nodes: TemplateNode[], variables: ReadonlyMap<string, VariableKind>): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  const walk = (list: TemplateNode[]) => {
    for (const node of list) {
      if (node.type === 'text') continue;
      const kind = variables.get(node.name);
      if (kind === undefined) problems.push({ key: 'email-templates:errors.unknownVariable', params: { name: node.name, line: node.line } });
      else if (node.type === 'var' && kind === 'flag')
        problems.push({ key: 'email-templates:errors.flagOutput', params: { name: node.name, line: node.line, ...OUTPUT_DELIMITERS } });
      if (node.type === 'if') {
        walk(node.then);
        walk(node.otherwise);
      }
    }
  };
  walk(nodes);
  return problems;
}

/** Parses and checks; throws TemplateError with every problem found. */
export function compileTemplate(source: string, variables: ReadonlyMap<string, VariableKind>): TemplateNode[] {
  const nodes = parseTemplate(source);
  const problems = checkVariables(nodes, variables);
  if (problems.length) throw new TemplateError(problems);
  return nodes;
}

export class MissingValueError extends Error {
  constructor(readonly variable: string) {
    super(`no value for ${variable}`);
    this.name = 'MissingValueError';
  }
}

/**
 * Renders parsed nodes with values looked up in `values` (a Map: no prototype, no inherited names). Only strings and
 * numbers are printed; a missing value fails rather than leaving a blank (like throwOnUndefined).
 */
export function renderNodes(nodes: TemplateNode[], values: ReadonlyMap<string, VariableValue>, kinds: ReadonlyMap<string, VariableKind>): Chunk[] {
  const out: Chunk[] = [];
  const walk = (list: TemplateNode[]) => {
    for (const node of list) {
      if (node.type === 'text') {
        out.push({ text: node.value });
      } else if (node.type === 'var') {
        const value = values.get(node.name);
        if (typeof value !== 'string' && typeof value !== 'number') throw new MissingValueError(node.name);
        out.push({ text: String(value), kind: kinds.get(node.name) ?? 'text' });
      } else {
        const value = values.get(node.name);
        const set = value !== undefined && value !== null && value !== '' && value !== 0 && value !== false;
        walk(set !== node.negate ? node.then : node.otherwise);
      }
    }
  };
  walk(nodes);
  return out;
}

export const chunksToText = (chunks: Chunk[]): string => chunks.map((c) => c.text).join('');

const P_STYLE = 'margin:0 0 16px;';
const LINK_STYLE = 'color:#0b4f8a;word-break:break-all;';
const CODE_STYLE =
  'display:inline-block;padding:8px 16px;border:2px solid #1b1f24;font-family:Consolas,Menlo,monospace;font-size:24px;font-weight:bold;letter-spacing:2px;';

function chunkHtml(chunk: Chunk): string {
  if (chunk.kind === 'link' && /^https?:\/\//.test(chunk.text)) {
    return `<a href="${escapeHtml(chunk.text)}" style="${LINK_STYLE}">${escapeHtml(chunk.text)}</a>`;
  }
  return escapeHtml(chunk.text);
}

/**
 * The HTML body of an edited e-mail, built from its plain-text body: every character escaped, paragraphs at blank
 * lines, line breaks kept, documented links clickable, a code (reference, key) alone on its line shown large. The
 * administrator never writes HTML, so the HTML and text versions always say the same thing.
 */
export function chunksToHtml(chunks: Chunk[]): string {
  const lines: Chunk[][] = [[]];
  for (const chunk of chunks) {
    const parts = chunk.text.split('\n');
    parts.forEach((part, i) => {
      if (i > 0) lines.push([]);
      if (part) (lines[lines.length - 1] as Chunk[]).push({ text: part, ...(chunk.kind ? { kind: chunk.kind } : {}) });
    });
  }
  const paragraphs: Chunk[][][] = [];
  let current: Chunk[][] = [];
  for (const line of lines) {
    if (line.every((c) => !c.text.trim())) {
      if (current.length) paragraphs.push(current);
      current = [];
    } else {
      current.push(line);
    }
  }
  if (current.length) paragraphs.push(current);

  const codeOnly = (line: Chunk[]): Chunk | undefined => {
    const visible = line.filter((c) => c.text.trim());
    return visible.length === 1 && visible[0]?.kind === 'code' ? visible[0] : undefined;
  };
  const out: string[] = [];
  for (const para of paragraphs) {
    // A code alone on its line stands out on its own; the lines around it stay paragraphs.
    let run: Chunk[][] = [];
    const flush = () => {
      if (run.length) out.push(`<p style="${P_STYLE}">${run.map((line) => line.map(chunkHtml).join('')).join('<br>\n')}</p>`);
      run = [];
    };
    for (const line of para) {
      const code = codeOnly(line);
      if (code) {
        flush();
        out.push(`<p style="margin:16px 0;"><span style="${CODE_STYLE}">${escapeHtml(code.text.trim())}</span></p>`);
      } else {
        run.push(line);
      }
    }
    flush();
  }
  return out.join('\n');
}
