import fs from 'node:fs';
import path from 'node:path';
import i18next, { type i18n, type TFunction } from 'i18next';
import { LOCALES_DIR } from './root';
import { formatFileSize } from '../lib/file-size';

export const LANGUAGES = ['fr', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'fr';

export function isLanguage(v: unknown): v is Language {
  return typeof v === 'string' && (LANGUAGES as readonly string[]).includes(v);
}

/** Reads locales/<lng>/<namespace>.json for both languages; one namespace per file. */
export function loadResources(dir = LOCALES_DIR): Record<Language, Record<string, object>> {
  const out = {} as Record<Language, Record<string, object>>;
  for (const lng of LANGUAGES) {
    out[lng] = {};
    for (const file of fs.readdirSync(path.join(dir, lng))) {
      if (!file.endsWith('.json')) continue;
      out[lng][file.replace(/\.json$/, '')] = JSON.parse(fs.readFileSync(path.join(dir, lng, file), 'utf8'));
    }
  }
  return out;
}

let instance: i18n | undefined;

/** One shared, fully preloaded i18next instance. Missing keys are never saved; Nunjucks does the escaping. */
export function getI18n(): i18n {
  if (instance) return instance;
  const resources = loadResources();
  const inst = i18next.createInstance();
  void inst.init({
    initAsync: false,
    resources,
    lng: DEFAULT_LANGUAGE,
    fallbackLng: DEFAULT_LANGUAGE,
    supportedLngs: [...LANGUAGES],
    ns: Object.keys(resources.fr),
    defaultNS: 'common',
    interpolation: { escapeValue: false },
    saveMissing: false,
    returnNull: false,
    showSupportNotice: false,
  } as Parameters<i18n['init']>[0]);
  // `{{maxBytes, fileSize}}` in a text: a size in bytes, written in the text's language and units (5 Mo, 5 MB).
  inst.services.formatter?.add('fileSize', (value: unknown, lng: string | undefined) => formatFileSize(Number(value), lng ?? DEFAULT_LANGUAGE));
  instance = inst;
  return inst;
}

const fixedTs = new Map<Language, TFunction>();

/**
 * The translation function of a language, memoised: resources never change after start, and i18next costs ~10 µs a
 * call (a list page makes hundreds). Calls with options are cached too when every option is a plain value (the key
 * includes them); anything else (objects, arrays, functions) goes straight to i18next.
 */
export function tFor(lang: Language): TFunction {
  let t = fixedTs.get(lang);
  if (!t) {
    t = memoised(getI18n().getFixedT(lang));
    fixedTs.set(lang, t);
  }
  return t;
}

/**
 * Entries per language before the cache starts again empty: calls with values (names, references, counts) make a new
 * entry each, so the cache must stay small — 5,000 entries hold the repeated labels of the busiest page and cost a few
 * MB (20,000 entries with values held ~8 MB of heap per language, measured, before the first clear).
 */
const T_CACHE_MAX = 5_000;

function memoised(t: TFunction): TFunction {
  const call = t as unknown as (...args: unknown[]) => unknown;
  const cache = new Map<string, string>();
  const wrapped = (...args: unknown[]): unknown => {
    const id = args.length <= 2 ? cacheKey(args[0], args[1]) : undefined;
    if (id === undefined) return call(...args);
    const hit = cache.get(id);
    if (hit !== undefined) return hit;
    const value = call(...args);
    if (typeof value === 'string') {
      if (cache.size >= T_CACHE_MAX) cache.clear();
      cache.set(id, value);
    }
    return value;
  };
  return wrapped as unknown as TFunction;
}

function cacheKey(key: unknown, options: unknown): string | undefined {
  if (typeof key !== 'string') return undefined;
  if (options === undefined) return key;
  if (typeof options === 'string') return `${key}\u0000=${options}`;
  if (!options || typeof options !== 'object' || Array.isArray(options)) return undefined;
  let id = key;
  const names = Object.keys(options);
  if (names.length > 1) names.sort();
  for (const name of names) {
    const v = (options as Record<string, unknown>)[name];
    if (v === undefined) continue;
    if (v !== null && (typeof v === 'object' || typeof v === 'function')) return undefined;
    id += `\u0000${name}=${typeof v}:${String(v)}`;
  }
  return id;
}

/** First supported language in an Accept-Language header, by quality. */
export function languageFromAcceptHeader(header: string | undefined): Language | undefined {
  if (!header) return undefined;
  const ranked = header
    .split(',')
    .map((part) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { lang: (tag ?? '').slice(0, 2).toLowerCase(), q: q ? Number(q.slice(2)) || 0 : 1 };
    })
    .sort((a, b) => b.q - a.q);
  return ranked.map((r) => r.lang).find(isLanguage);
}

/** Intl formatters are costly to build (~20 µs each) and a list page formats hundreds of dates: built once each. */
const dateFormats = new Map<string, Intl.DateTimeFormat>();
const numberFormats = new Map<Language, Intl.NumberFormat>();

function dateFormat(lang: Language, timeZone: string, withTime: boolean): Intl.DateTimeFormat {
  const key = `${lang}|${timeZone}|${withTime ? 1 : 0}`;
  let f = dateFormats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'long', ...(withTime ? { timeStyle: 'short' } : {}), timeZone });
    dateFormats.set(key, f);
  }
  return f;
}

/**
 * Dates without time, by 15-minute slice of UTC: every instant of a slice has the same local date in any time zone
 * (offsets and their changes fall on quarter hours), so a list of dates formats each day once, not each row.
 */
const QUARTER_HOUR_MS = 15 * 60 * 1000;
const dayTexts = new Map<string, string>();
const DAY_TEXTS_MAX = 50_000;

export function formatDate(lang: Language, value: string | Date | null | undefined, timeZone: string, withTime = false): string {
  if (!value) return '';
  const d = typeof value === 'string' ? new Date(value.length === 10 ? `${value}T12:00:00Z` : value) : value;
  const ms = d.getTime();
  if (Number.isNaN(ms)) return '';
  const zone = value instanceof Date || (typeof value === 'string' && value.length > 10) ? timeZone : 'UTC';
  if (withTime) return dateFormat(lang, zone, true).format(d);
  const id = `${lang}|${zone}|${Math.floor(ms / QUARTER_HOUR_MS)}`;
  let text = dayTexts.get(id);
  if (text === undefined) {
    text = dateFormat(lang, zone, false).format(d);
    if (dayTexts.size >= DAY_TEXTS_MAX) dayTexts.clear();
    dayTexts.set(id, text);
  }
  return text;
}

export function formatNumber(lang: Language, value: number): string {
  let f = numberFormats.get(lang);
  if (!f) {
    f = new Intl.NumberFormat(lang === 'fr' ? 'fr-FR' : 'en-GB');
    numberFormats.set(lang, f);
  }
  return f.format(value);
}
