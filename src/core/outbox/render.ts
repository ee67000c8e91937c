import fs from 'node:fs';
import path from 'node:path';
import nunjucks from 'nunjucks';
import { isLanguage, tFor, type Language } from '../../platform/i18n';
import { paths } from '../../platform/paths';
import { VIEWS_DIR } from '../../platform/root';
import type { EmailTemplate } from './enqueue';
import { catalogueEntry, templateValues, variableKinds } from './catalogue';
import {
  chunksToHtml,
  chunksToText,
  compileTemplate,
  MissingValueError,
  renderNodes,
  TemplateError,
  type Chunk,
  type TemplateNode,
  type VariableKind,
} from './engine';

/**
 * E-mail rendering.
 *
 * Templates: one file per e-mail and language, views/emails/<template>/<fr|en>.njk, extending views/emails/layout.njk
 * and filling the blocks `subject`, `html` and `text`. Each part is rendered separately (the layout switches on
 * `part`): the HTML body with autoescape, the subject and the plain-text body without (they are not HTML, so a name
 * like O’Brien or <b> must stay as typed; nodemailer encodes them).
 *
 * A template sees only: the row's data (its documented variables), `baseUrl`, `links` (absolute URLs built here from
 * PUBLIC_BASE_URL and src/platform/paths.ts), `lang` and `t` fixed to the recipient's language. A dedicated environment:
 * no `paths`, no app globals or filters; throwOnUndefined so a missing variable fails instead of sending a blank.
 */

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

/** A template file is missing or the template name is not one we know: retrying will not help. */
export class EmailTemplateNotFoundError extends Error {
  constructor(template: string, language: string) {
    super(`no e-mail template ${template}/${language}`);
    this.name = 'EmailTemplateNotFoundError';
  }
}

type Data = Record<string, unknown>;
type LinkBuilder = (data: Data, baseUrl: string) => Record<string, string>;

/**
 * Links every e-mail may use. `entry` is the employee's entry page; when the e-mail's data carries the application's
 * `reference` (e-mail 1, reminders, returns…), the link pre-fills it. The access-key e-mail never has a reference in
 * its data, so its link never carries one.
 */
function commonLinks(baseUrl: string, data: Data): Record<string, string> {
  const reference = typeof data.reference === 'string' && data.reference ? data.reference : undefined;
  return {
    home: `${baseUrl}/`,
    entry: `${baseUrl}${paths.employee.entry}${reference ? `?ref=${encodeURIComponent(reference)}` : ''}`,
    apply: `${baseUrl}${paths.employee.apply}`,
  };
}

/**
 * Links specific to one e-mail, computed from its data. Add an entry when a template needs a URL built from its data
 * (never let a template build a URL from a string it received).
 */
const LINKS: Partial<Record<EmailTemplate, LinkBuilder>> = {
  // E-mail 3: the approver's single-use link (token in the query string, never in a logged path), in their language.
  'additional-approval-request': (d, base) => ({
    approve: `${base}${paths.approver.decide}?token=${encodeURIComponent(String(d.token))}${d.language === 'fr' || d.language === 'en' ? `&lang=${d.language}` : ''}`,
  }),
  // E-mail 7: the approval queue.
  'urgent-alert': (_d, base) => ({ approvals: `${base}${paths.admin.approvals.list}` }),
  // E-mail 8: the approval queue.
  'daily-digest': (_d, base) => ({ approvals: `${base}${paths.admin.approvals.list}`, complaints: `${base}${paths.admin.complaints.list}` }),
  // Complaints: the entry page with the application's reference (the complaint and its answer are on its status page).
  'complaint-acknowledgement': (d, base) => complaintEntry(d, base),
  'complaint-extension': (d, base) => complaintEntry(d, base),
  'complaint-answer': (d, base) => complaintEntry(d, base),
  // Requests for information, to the administrator: the request's page (its id, a number, from the data).
  'information-request-answered': (d, base) => ({ informationRequest: `${base}${paths.admin.informationRequests.show(Number(d.requestId) || 0)}` }),
  // Stuck approvals: the queue filtered on the overdue applications.
  'approval-overdue': (_d, base) => ({ approvals: `${base}${paths.admin.approvals.list}?overdue=yes` }),
  'approval-escalation': (_d, base) => ({ approvals: `${base}${paths.admin.approvals.list}?overdue=yes` }),
  'information-request-overdue': (d, base) => ({ informationRequest: `${base}${paths.admin.informationRequests.show(Number(d.requestId) || 0)}` }),
};

function complaintEntry(d: Data, base: string): Record<string, string> {
  const ref = typeof d.applicationReference === 'string' && d.applicationReference ? `?ref=${encodeURIComponent(d.applicationReference)}` : '';
  return { entry: `${base}${paths.employee.entry}${ref}` };
}

/**
 * An e-mail's template as edited by the platform administrator (SPEC §4.1, src/features/email-templates): its subject
 * and/or plain-text body in the restricted language of email-templates/engine.ts; null = that part's default file.
 */
export interface TemplateOverride {
  subject: string | null;
  body: string | null;
}

/** The file the edited body is framed with (the shared layout's header and footer). */
const EDITED_FILE = 'emails/_edited.njk';

const TEMPLATE_NAME = /^[a-z][a-z0-9-]{0,59}$/;

export interface EmailRenderer {
  /**
   * Renders an e-mail from its default file, or from the administrator's edited version when `override` is given.
   * An edited version that no longer compiles (e.g. it names a variable since removed) falls back to the default.
   */
  render(template: string, language: Language, data: Data, override?: TemplateOverride | null): RenderedEmail;
  /**
   * The template editor only: one part of a default file rendered with a context the caller builds (placeholder
   * values), to show the default in the editor's language. Never used to send.
   */
  renderDefaultPart(template: string, language: Language, part: 'subject' | 'text', context: Data): string;
  /** Whether views/emails/<template>/<language>.njk exists. */
  hasTemplate(template: string, language: Language): boolean;
  /** The absolute links the template of that e-mail receives (also used by tests and the development mailbox). */
  linksFor(template: string, data: Data): Record<string, string>;
}

/** The HTML (autoescaped) and plain-text environments over `viewsDir`; no filter or global of a renderer's own. */
function emailEnvironments(viewsDir: string): { htmlEnv: nunjucks.Environment; plainEnv: nunjucks.Environment } {
  const loader = () => new nunjucks.FileSystemLoader(viewsDir, { noCache: false, watch: false });
  const common = { throwOnUndefined: true, trimBlocks: true, lstripBlocks: true };
  return {
    htmlEnv: new nunjucks.Environment(loader(), { ...common, autoescape: true }),
    plainEnv: new nunjucks.Environment(loader(), { ...common, autoescape: false }),
  };
}

/**
 * The renderers of one process share their environments, and so the compiled default templates (read once: a deploy
 * replaces the process). The app has several renderers, the tests one per app; each compiled every e-mail again.
 */
const shared = new Map<string, ReturnType<typeof emailEnvironments>>();
function sharedEmailEnvironments(viewsDir: string): ReturnType<typeof emailEnvironments> {
  let envs = shared.get(viewsDir);
  if (!envs) shared.set(viewsDir, (envs = emailEnvironments(viewsDir)));
  return envs;
}

export function createEmailRenderer(opts: { baseUrl: string; viewsDir?: string }): EmailRenderer {
  const baseUrl = opts.baseUrl.replace(/\/+$/, '');
  const viewsDir = opts.viewsDir ?? VIEWS_DIR;
  const { htmlEnv, plainEnv } = sharedEmailEnvironments(viewsDir);

  const translators = new Map<Language, ReturnType<typeof tFor>>();
  const tOf = (language: Language) => {
    if (!translators.has(language)) translators.set(language, tFor(language));
    return translators.get(language) as ReturnType<typeof tFor>;
  };
  const fileOf = (template: string, language: Language) => `emails/${template}/${language}.njk`;

  const known = new Set<string>(); // files seen once stay (a deploy replaces the process)
  function hasTemplate(template: string, language: Language): boolean {
    if (!TEMPLATE_NAME.test(template) || !isLanguage(language)) return false;
    const file = fileOf(template, language);
    if (known.has(file)) return true;
    if (!fs.existsSync(path.join(viewsDir, file))) return false;
    known.add(file);
    return true;
  }

  function linksFor(template: string, data: Data): Record<string, string> {
    return { ...commonLinks(baseUrl, data), ...(LINKS[template as EmailTemplate]?.(data, baseUrl) ?? {}) };
  }

  /** Compiled edited templates, by source (an edited template is compiled once, not at every e-mail). */
  const compiled = new Map<string, TemplateNode[]>();
  function compileEdited(template: string, source: string, kinds: Map<string, VariableKind>): TemplateNode[] {
    const cacheKey = `${template}\u0000${source}`;
    let nodes = compiled.get(cacheKey);
    if (!nodes) {
      nodes = compileTemplate(source, kinds);
      if (compiled.size >= 200) compiled.clear();
      compiled.set(cacheKey, nodes);
    }
    return nodes;
  }

  function renderEdited(template: string, language: Language, data: Data, override: TemplateOverride, fromFile: () => RenderedEmail): RenderedEmail {
    const entry = catalogueEntry(template);
    if (!entry) return fromFile();
    const kinds = variableKinds(entry);
    let subjectNodes: TemplateNode[] | undefined;
    let bodyNodes: TemplateNode[] | undefined;
    try {
      if (override.subject !== null) subjectNodes = compileEdited(template, override.subject, kinds);
      if (override.body !== null) bodyNodes = compileEdited(template, override.body, kinds);
    } catch (err) {
      if (err instanceof TemplateError) return fromFile();
      throw err;
    }
    const values = templateValues(entry, data, linksFor(template, data));
    let subjectText: string | undefined;
    let chunks: Chunk[] | undefined;
    try {
      if (subjectNodes)
        subjectText = chunksToText(renderNodes(subjectNodes, values, kinds))
          .replace(/\s+/g, ' ')
          .trim();
      if (bodyNodes) chunks = renderNodes(bodyNodes, values, kinds);
    } catch (err) {
      // A value the edited version prints is missing from this e-mail's data (e.g. queued before the variable existed).
      if (err instanceof MissingValueError) return fromFile();
      throw err;
    }
    const base = subjectNodes && bodyNodes ? undefined : fromFile();
    const subject = subjectText ?? (base as RenderedEmail).subject;
    if (!chunks) return { subject, html: (base as RenderedEmail).html, text: (base as RenderedEmail).text };
    // The frame is our own file; the body HTML comes from chunksToHtml, which escapes every character typed or given.
    const frame = { lang: language, t: tOf(language) };
    const html = htmlEnv.render(EDITED_FILE, { ...frame, part: 'html', editedHtml: chunksToHtml(chunks) }).trim() + '\n';
    const text = tidyText(plainEnv.render(EDITED_FILE, { ...frame, part: 'text', editedText: tidyText(chunksToText(chunks)).trimEnd() }));
    return { subject, html, text };
  }

  function render(template: string, language: Language, data: Data, override?: TemplateOverride | null): RenderedEmail {
    if (!hasTemplate(template, language)) throw new EmailTemplateNotFoundError(template, language);
    const fromFile = (): RenderedEmail => {
      const file = fileOf(template, language);
      // The data first, so a data key can never replace baseUrl, links, lang or t.
      const context = { ...data, baseUrl, links: linksFor(template, data), lang: language, t: tOf(language) };
      const subject = plainEnv
        .render(file, { ...context, part: 'subject' })
        .replace(/\s+/g, ' ')
        .trim();
      const html = htmlEnv.render(file, { ...context, part: 'html' }).trim() + '\n';
      const text = tidyText(plainEnv.render(file, { ...context, part: 'text' }));
      return { subject, html, text };
    };
    if (override && (override.subject !== null || override.body !== null)) return renderEdited(template, language, data, override, fromFile);
    return fromFile();
  }

  function renderDefaultPart(template: string, language: Language, part: 'subject' | 'text', context: Data): string {
    if (!hasTemplate(template, language)) throw new EmailTemplateNotFoundError(template, language);
    return plainEnv.render(fileOf(template, language), { ...context, lang: language, t: tOf(language), part });
  }

  return { render, renderDefaultPart, hasTemplate, linksFor };
}

/** Plain text: no trailing spaces except the signature delimiter "-- ", at most one blank line in a row. */
export function tidyText(text: string): string {
  return (
    text
      .split('\n')
      .map((line) => (line === '-- ' ? line : line.replace(/[ \t]+$/, '')))
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim() + '\n'
  );
}

/** Absolute http(s) links in a plain-text body, in order, without duplicates (the development mailbox shows them). */
export function extractLinks(text: string): string[] {
  const found = text.match(/https?:\/\/[^\s<>"')]+/g) ?? [];
  return [...new Set(found.map((l) => l.replace(/[.,;:!?]+$/, '')))];
}

/**
 * An e-mail's HTML body shown on its own URL (development mailbox, template preview): a CSP that puts it in a unique,
 * script-less origin (`sandbox`) and lets it load nothing but its inline styles.
 */
export const MAIL_HTML_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'";
