import nunjucks from 'nunjucks';
import type { Express } from 'express';
import { VIEWS_DIR } from './root';
import { paths } from './paths';
import { showControlCharacters } from '../lib/control-characters';

interface NunjucksFrame {
  variables: Record<string, unknown>;
  resolve(name: string, forWrite: boolean): NunjucksFrame | undefined;
  set(name: string, val: unknown, resolveUp?: boolean): void;
}

/**
 * Nunjucks 3.2.4 splits a variable's name on dots every time it sets one (`loop.index`, `loop.first`… for each
 * iteration of every loop: a tenth of a millisecond per 50-row page). The same method with the split remembered per
 * name; the names are the templates' own identifiers, a small fixed set. Behaviour unchanged (tested in
 * test/foundation/views.test.ts against the original).
 */
export function rememberFrameNameSplits(frameClass: { prototype: NunjucksFrame }): void {
  const proto = frameClass.prototype as NunjucksFrame & { __splitsRemembered?: boolean };
  if (proto.__splitsRemembered) return;
  const splits = new Map<string, string[]>();
  proto.set = function set(this: NunjucksFrame, name: string, val: unknown, resolveUp?: boolean): void {
    let parts = splits.get(name);
    if (!parts) splits.set(name, (parts = name.split('.')));
    let obj = this.variables;
    if (resolveUp) {
      const frame = this.resolve(parts[0] as string, true);
      if (frame) {
        frame.set(name, val);
        return;
      }
    }
    for (let i = 0; i < parts.length - 1; i++) {
      const id = parts[i] as string;
      if (!obj[id]) obj[id] = {};
      obj = obj[id] as Record<string, unknown>;
    }
    obj[parts[parts.length - 1] as string] = val;
  };
  proto.__splitsRemembered = true;
}

/** Nunjucks' escaping (lib.escape), as the runtime and the escape filters call it. */
interface NunjucksLib {
  escape: ((val: string) => string) & { __skipsPlainText?: boolean };
}

/** A character that Nunjucks' autoescape replaces (the same set as its lib.js escapeRegex). */
const ESCAPED_CHARACTER = /[&"'<>\\]/;

/**
 * Nunjucks 3.2.4 escapes every value a template writes with `replace` and a callback, ~100 ns even when there is
 * nothing to escape, as for nearly every value of a page (names, dates, references, links): about a thousand per queue
 * page. The same function, which returns the text unchanged when it has none of the escaped characters (~50 ns).
 * Behaviour unchanged (tested in test/foundation/views.test.ts against the original).
 */
export function skipEscapingPlainText(lib: NunjucksLib): void {
  if (lib.escape.__skipsPlainText) return;
  const original = lib.escape;
  const escape = (val: string): string => (ESCAPED_CHARACTER.test(val) ? original(val) : val);
  lib.escape = Object.assign(escape, { __skipsPlainText: true });
}

/** The environment of every app of this process (see configureViews). */
let shared: nunjucks.Environment | undefined;

/**
 * Nunjucks with autoescape and throwOnUndefined; filters and globals registered here only. They are the same for every
 * app (no dependency of one app's), so the apps of one process share one environment and its compiled templates
 * (templates are read once: a deploy replaces the process). A process serves one app, but the tests build one per
 * test and compiled every page again each time (a tenth of the suite's time).
 */
export function configureViews(app: Express | undefined): nunjucks.Environment {
  const env = (shared ??= newEnvironment());
  if (app) {
    env.express(app);
    app.set('view engine', 'njk');
  }
  return env;
}

function newEnvironment(): nunjucks.Environment {
  const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(VIEWS_DIR, { noCache: false, watch: false }), {
    autoescape: true,
    throwOnUndefined: true,
    trimBlocks: true,
    lstripBlocks: true,
  });
  rememberFrameNameSplits((nunjucks as unknown as { runtime: { Frame: { prototype: NunjucksFrame } } }).runtime.Frame);
  skipEscapingPlainText((nunjucks as unknown as { lib: NunjucksLib }).lib);
  env.addGlobal('paths', paths);
  env.addFilter('orEmpty', (v: unknown) => (v === null || v === undefined ? '' : v));
  env.addFilter('json', (v: unknown) => JSON.stringify(v));
  // A value that may hold control or bidi characters (a refused one shown again): each written "[U+202E]".
  env.addFilter('showControls', (v: unknown) => (typeof v === 'string' ? showControlCharacters(v) : v));
  // `{{ promise | await }}`: what a promise resolves to (the layout's tabs, counted lazily); needs an async render,
  // which res.render is.
  env.addFilter(
    'await',
    (v: unknown, done: (err: unknown, value?: unknown) => void) => {
      Promise.resolve(v).then((value) => done(null, value), done);
    },
    true,
  );
  return env;
}
