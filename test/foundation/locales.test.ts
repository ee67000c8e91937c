import fs from 'node:fs';
import path from 'node:path';
import { loadResources, tFor } from '../../src/platform/i18n';
import { ROOT_DIR, VIEWS_DIR } from '../../src/platform/root';

type Tree = { [k: string]: string | Tree };

function flatten(tree: Tree, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) => (typeof v === 'object' ? flatten(v, `${prefix}${k}.`) : [`${prefix}${k}`]));
}

/** The locale files, read once for this file's checks (reading them again for each of ~3,000 keys took 45 s). */
const RESOURCES = loadResources();

function keysOf(lang: 'fr' | 'en'): string[] {
  const res = RESOURCES[lang];
  return Object.entries(res).flatMap(([ns, tree]) => flatten(tree as Tree).map((k) => `${ns}:${k}`));
}

function valueOf(lang: 'fr' | 'en', fullKey: string): string | undefined {
  const [ns, key] = fullKey.split(':') as [string, string];
  let node: unknown = RESOURCES[lang][ns];
  for (const part of key.split('.')) node = (node as Tree | undefined)?.[part];
  return typeof node === 'string' ? node : undefined;
}

function walk(dir: string, ext: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p, ext) : p.endsWith(ext) ? [p] : [];
  });
}

/** Values that are the same in both languages on purpose (names, codes, language names). */
const SAME_IN_BOTH = [/^common:productName$/, /^common:languageSwitchTo\./, /^common:pagination\.(label|page)$/, /\.sameInBoth\./];

describe('locale files', () => {
  const fr = keysOf('fr');
  const en = keysOf('en');

  it('have the same keys in French and English, in the same order', () => {
    expect(fr).toEqual(en);
  });

  it('contain no empty value and no straight apostrophe in French', () => {
    for (const key of fr) {
      expect(valueOf('fr', key)).toBeTruthy();
      expect(valueOf('en', key)).toBeTruthy();
      expect(`${key}: ${valueOf('fr', key)}`).not.toMatch(/: .*'/);
    }
  });

  it('translate every value (French differs from English unless allow-listed)', () => {
    const untranslated = fr.filter(
      (k) => valueOf('fr', k) === valueOf('en', k) && !SAME_IN_BOTH.some((re) => re.test(k)) && !/^[\s\d{}().,:%/+-]*$/.test(valueOf('fr', k) ?? ''),
    );
    expect(untranslated).toEqual([]);
  });

  /** "demande(s)", "au(x) demandeur(s)", "la/les", "record(s)": a count's sentence uses plural forms (key_one, key_other). */
  const HAND_PLURAL = /\p{L}\((?:s|es|x)\)|\b(?:la|le|les)\/(?:la|le|les)\b/iu;

  it('write no hand-made plural: "(s)", "(es)", "(x)", "la/les" (i18next plural forms instead)', () => {
    const resources = loadResources();
    const values = (tree: Tree, prefix: string): Array<[string, string]> =>
      Object.entries(tree).flatMap(([k, v]): Array<[string, string]> => (typeof v === 'object' ? values(v, `${prefix}${k}.`) : [[`${prefix}${k}`, v]]));
    const found = (['fr', 'en'] as const)
      .flatMap((lang) => Object.entries(resources[lang]).flatMap(([ns, tree]) => values(tree as Tree, `${lang} ${ns}:`)))
      .filter(([, value]) => HAND_PLURAL.test(value))
      .map(([key, value]) => `${key}: ${value}`);
    expect(found).toEqual([]);
  });

  it('finds no hand-made plural in the page and e-mail templates either', () => {
    const found = walk(VIEWS_DIR, '.njk').flatMap((file) =>
      fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .map((line, i) => ({ where: `${path.relative(ROOT_DIR, file)}:${i + 1}`, line }))
        .filter(({ line }) => HAND_PLURAL.test(line.replace(/https?\S*/g, '')))
        .map(({ where, line }) => `${where}: ${line.trim()}`),
    );
    expect(found).toEqual([]);
  });

  it('read right for 1 and for 2 where a count varies (plural forms chosen by count)', () => {
    const [fr, en] = [tFor('fr'), tFor('en')];
    const hidden = 'approvals:confirm.hiddenCount';
    expect(fr(hidden, { shown: 200, count: 1 })).toBe('Les 200 premières sont listées ci-dessous ; 1 autre n’est pas affichée.');
    expect(fr(hidden, { shown: 200, count: 2 })).toBe('Les 200 premières sont listées ci-dessous ; 2 autres ne sont pas affichées.');
    expect(en(hidden, { shown: 200, count: 1 })).toBe('The first 200 are listed below; 1 more is not shown.');
    expect(en(hidden, { shown: 200, count: 2 })).toBe('The first 200 are listed below; 2 more are not shown.');
  });

  it('give every plural key both its forms, in both languages', () => {
    for (const keys of [fr, en]) {
      const plural = keys.filter((k) => /_(one|other)$/.test(k));
      const stems = new Set(plural.map((k) => k.replace(/_(one|other)$/, '')));
      for (const stem of stems) expect([stem, keys.includes(`${stem}_one`), keys.includes(`${stem}_other`)]).toEqual([stem, true, true]);
    }
  });

  it('cover every key that templates and code use literally', () => {
    const known = new Set(fr);
    const files = [...walk(VIEWS_DIR, '.njk'), ...walk(path.join(ROOT_DIR, 'src'), '.ts')];
    const used = new Set<string>();
    const re = /['"`]([a-z][a-zA-Z-]*:[a-zA-Z][a-zA-Z0-9_.]*[a-zA-Z0-9_])['"`]/g;
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8');
      for (const m of text.matchAll(re)) {
        const key = m[1] as string;
        const ns = key.split(':')[0] as string;
        if (!fs.existsSync(path.join(ROOT_DIR, 'locales', 'fr', `${ns}.json`))) continue; // not a translation key (e.g. a URL scheme)
        if (key.endsWith('.')) continue;
        used.add(key);
      }
    }
    const isKeyOrPrefix = (k: string) => known.has(k) || fr.some((f) => f.startsWith(`${k}.`)) || fr.some((f) => f.startsWith(`${k}_`));
    expect([...used].filter((k) => !isKeyOrPrefix(k))).toEqual([]);
  });
});
