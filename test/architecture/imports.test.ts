/**
 * The architecture's import rules (docs/architecture.md) hold: no import loop between files, and the lint rule
 * (eslint-plugin-boundaries in eslint.config.mjs) refuses a page feature importing another feature, the core importing
 * a feature, and middleware importing the core's code.
 */
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';

const ROOT = path.resolve(__dirname, '../..');
const SRC = path.join(ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? sourceFiles(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

/** Relative imports of a file (type-only ones included: a loop of types is still a loop to read), resolved to files. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
    const base = path.resolve(path.dirname(file), m[1]!.replace(/\.js$/, ''));
    const target = [`${base}.ts`, path.join(base, 'index.ts')].find((c) => fs.existsSync(c));
    if (target && target.startsWith(SRC)) out.push(target);
  }
  return out;
}

/** Strongly connected components with more than one file (Tarjan): each is an import loop. */
function importLoops(files: string[]): string[][] {
  const graph = new Map(files.map((f) => [f, importsOf(f)]));
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const loops: string[][] = [];
  const visit = (v: string): void => {
    indices.set(v, index);
    low.set(v, index);
    index += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!indices.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, indices.get(w)!));
    }
    if (low.get(v) === indices.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(path.relative(ROOT, w));
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) loops.push(component.sort());
    }
  };
  for (const f of files) if (!indices.has(f)) visit(f);
  return loops;
}

describe('architecture', () => {
  it('has no import loop between the files of src', () => {
    expect(importLoops(sourceFiles(SRC))).toEqual([]);
  });

  it('finds a loop when there is one (the check can fail)', () => {
    const dir = fs.mkdtempSync(path.join(SRC, '.loop-probe-'));
    try {
      fs.writeFileSync(path.join(dir, 'a.ts'), "import { b } from './b';\nexport const a = b;\n");
      fs.writeFileSync(path.join(dir, 'b.ts'), "import { a } from './a';\nexport const b = a;\n");
      expect(importLoops(sourceFiles(dir))).toHaveLength(1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('the lint rule', () => {
    // The project's own ESLint, as `npm run lint` runs it, on a file that is not written to disk (--stdin).
    async function boundaryErrors(file: string, code: string, rule = 'boundaries/dependencies'): Promise<string[]> {
      let out: string;
      try {
        out = execFileSync(process.execPath, [path.join(ROOT, 'node_modules/eslint/bin/eslint.js'), '--format', 'json', '--stdin', '--stdin-filename', file], {
          cwd: ROOT,
          input: code,
          encoding: 'utf8',
        });
      } catch (err) {
        out = (err as { stdout: string }).stdout; // exit code 1 when there are errors
      }
      const [result] = JSON.parse(out) as Array<{ messages: Array<{ ruleId: string | null; message: string }> }>;
      return result!.messages.filter((m) => m.ruleId === rule).map((m) => m.message);
    }

    it('refuses a page feature importing another feature', async () => {
      const errors = await boundaryErrors(
        'src/features/tracking/probe.ts',
        "import { signatureRoutes } from '../signature/routes';\nexport const x = signatureRoutes;\n",
      );
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/feature="tracking".*feature="signature"/);
    });

    it('accepts a feature importing its own files, the core, lib, platform and middleware', async () => {
      const code = [
        "import { trackingRoutes } from './routes';",
        "import { transition } from '../../core/application/status';",
        "import { sha256Hex } from '../../lib/download';",
        "import { paths } from '../../platform/paths';",
        "import { requireAdministrator } from '../../middleware/auth';",
        'export const x = [trackingRoutes, transition, sha256Hex, paths, requireAdministrator];',
      ].join('\n');
      expect(await boundaryErrors('src/features/tracking/probe.ts', code)).toEqual([]);
    });

    it('refuses the core importing a feature, or jobs', async () => {
      expect(
        await boundaryErrors(
          'src/core/application/probe.ts',
          "import { trackingRoutes } from '../../features/tracking/routes';\nexport const x = trackingRoutes;\n",
        ),
      ).toHaveLength(1);
      expect(await boundaryErrors('src/core/application/probe.ts', "import { jobs } from '../../jobs/registry';\nexport const x = jobs;\n")).toHaveLength(1);
    });

    it('refuses lib importing anything of the app', async () => {
      expect(await boundaryErrors('src/lib/probe.ts', "import { paths } from '../platform/paths';\nexport const x = paths;\n")).toHaveLength(1);
    });

    it('lets middleware import the core only for its types', async () => {
      expect(
        await boundaryErrors('src/middleware/probe.ts', "import type { Actor } from '../core/administrators/repository';\nexport type X = Actor;\n"),
      ).toEqual([]);
      expect(
        await boundaryErrors(
          'src/middleware/probe.ts',
          "import { findActiveActor } from '../core/administrators/repository';\nexport const x = findActiveActor;\n",
        ),
      ).toHaveLength(1);
    });

    it('refuses a route importing a repository (types excepted): routes call their own service', async () => {
      const rule = '@typescript-eslint/no-restricted-imports';
      const value = "import { listPage } from './repository';\nexport const x = listPage;\n";
      expect(await boundaryErrors('src/features/tracking/routes.ts', value, rule)).toHaveLength(1);
      const type = "import type { TrackingSort } from './repository';\nexport type X = TrackingSort;\n";
      expect(await boundaryErrors('src/features/tracking/routes.ts', type, rule)).toEqual([]);
    });
  });
});
