// Lint: typescript-eslint recommended, no `any`, only middleware writes res.locals (handlers pass an explicit model),
// and the architecture's import rules (docs/architecture.md), enforced by eslint-plugin-boundaries.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import boundaries from 'eslint-plugin-boundaries';

/** The parts of src/, from the bottom up; each may import only the parts listed in `policies` below. */
const elements = [
  { type: 'lib', pattern: 'src/lib/**', partialMatch: false },
  { type: 'platform', pattern: 'src/platform/**', partialMatch: false },
  { type: 'migrations', pattern: 'migrations/**', partialMatch: false },
  { type: 'core', pattern: 'src/core/*/**', partialMatch: false, capture: ['part'] },
  { type: 'middleware', pattern: 'src/middleware/**', partialMatch: false },
  { type: 'feature', pattern: 'src/features/*/**', partialMatch: false, capture: ['feature'] },
  { type: 'jobs', pattern: 'src/jobs/**', partialMatch: false },
  { type: 'seed', pattern: 'src/seed/**', partialMatch: false },
  { type: 'cli', pattern: 'src/cli/**', partialMatch: false },
];

const to = (...types) => ({ to: { element: { types: types.length === 1 ? types[0] : { anyOf: types } } } });

const policies = [
  { from: { element: { type: 'lib' } }, allow: to('lib') },
  { from: { element: { type: 'platform' } }, allow: to('lib', 'platform', 'migrations') },
  { from: { element: { type: 'migrations' } }, allow: to('migrations') },
  { from: { element: { type: 'core' } }, allow: to('lib', 'platform', 'core') },
  // Middleware sees the core's types only (the administrator lookup and the tab counts are injected by app.ts).
  {
    from: { element: { type: 'middleware' } },
    allow: [to('lib', 'platform', 'middleware'), { to: { element: { type: 'core' } }, dependency: { kind: 'type' } }],
  },
  // A page feature: the core, lib, platform, middleware, and its own folder — never another feature.
  {
    from: { element: { type: 'feature' } },
    allow: [
      to('lib', 'platform', 'core', 'middleware'),
      { to: { element: { type: 'feature', captured: { feature: '{{ from.element.captured.feature }}' } } } },
    ],
  },
  { from: { element: { type: 'jobs' } }, allow: to('lib', 'platform', 'core', 'jobs') },
  { from: { element: { type: 'seed' } }, allow: to('lib', 'platform', 'core') },
  { from: { element: { type: 'cli' } }, allow: to('lib', 'platform', 'core', 'feature', 'jobs', 'seed', 'cli') },
];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'data/', 'public/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { boundaries },
    settings: {
      'boundaries/elements': elements,
      'import/resolver': { node: { extensions: ['.ts', '.js'] } },
    },
    rules: {
      'boundaries/dependencies': ['error', { default: 'disallow', policies }],
      'boundaries/no-unknown-files': 'error',
    },
  },
  // A route calls its own service, never a repository (types excepted): the service is where a page's reads are decided.
  {
    files: ['src/features/**/routes.ts', 'src/features/**/*-routes.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/repository', '**/*-repository'],
              allowTypeImports: true,
              message: 'Routes call their own service; move this read into the feature’s service.ts.',
            },
          ],
        },
      ],
    },
  },
  // The composition root, src/app.ts (the HTTP app) and src/server.ts (the process), is the top: it may import every part.
  { files: ['src/app.ts', 'src/server.ts'], rules: { 'boundaries/no-unknown-files': 'off' } },
  {
    files: ['src/features/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "AssignmentExpression[left.object.property.name='locals']", message: 'Only middleware writes res.locals; pass a model to res.render.' },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { globals: { module: 'writable', require: 'readonly', __dirname: 'readonly', process: 'readonly', console: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
