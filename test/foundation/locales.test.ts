import fs from 'node:fs';
import path from 'node:path';
import { loadResources } from '../../src/platform/i18n';
import { ROOT_DIR, VIEWS_DIR } from '../../src/platform/root';

type Tree = { [k: string]: string | Tree };

function flatten(tree: Tree, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) => (typeof v === 'object' ? flatten(v, `${prefix}${k}.`) : [`${prefix}${k}`]));
}

function keysOf(lang: 'fr' | 'en'): string[] {
  const res = loadResources()[lang];
  return Object.entries(res).flatMap(([ns, tree]) => flatten(tree as Tree).map((k) => `${ns}:${k}`));
}

function valueOf(lang: 'fr' | 'en', fullKey: string): string | undefined {
  const [ns, key] = fullKey.split(':') as [string, string];
  let node: unknown = loadResources()[lang][ns];
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
