import * as cheerio from 'cheerio';
import { buildListView, escapeLike, listHref, paginate, parseListQuery, type ListSpec } from '../../src/lib/list-query';
import { configureViews } from '../../src/platform/views';
import { tFor } from '../../src/platform/i18n';

type Sort = 'name' | 'number';
const spec: ListSpec<Sort> = { sortable: ['name', 'number'], defaultSort: 'name' };

describe('parseListQuery', () => {
  it('gives the defaults for an empty query', () => {
    expect(parseListQuery({}, spec)).toEqual({ page: 1, pageSize: 10, sort: 'name', dir: 'asc', q: '' });
    expect(parseListQuery(undefined, spec)).toEqual({ page: 1, pageSize: 10, sort: 'name', dir: 'asc', q: '' });
  });

  it('keeps valid values', () => {
    expect(parseListQuery({ page: '3', pageSize: '25', sort: 'number', dir: 'desc', q: '  Ventes  ' }, spec)).toEqual({
      page: 3,
      pageSize: 25,
      sort: 'number',
      dir: 'desc',
      q: 'Ventes',
    });
  });

  it.each([
    ['page', { page: '0' }, { page: 1 }],
    ['page', { page: '-2' }, { page: 1 }],
    ['page', { page: 'abc' }, { page: 1 }],
    ['page', { page: '2.5' }, { page: 1 }],
    ['page', { page: '99999999' }, { page: 1_000_000 }],
    ['page', { page: ['4', '5'] }, { page: 4 }],
    ['pageSize', { pageSize: '11' }, { pageSize: 10 }],
    ['pageSize', { pageSize: '1000000' }, { pageSize: 10 }],
    ['pageSize', { pageSize: '50' }, { pageSize: 50 }],
    ['sort', { sort: 'password; DROP TABLE x' }, { sort: 'name' }],
    ['sort', { sort: { $gt: '' } }, { sort: 'name' }],
    ['dir', { dir: 'DESC' }, { dir: 'asc' }],
    ['dir', { dir: 'sideways' }, { dir: 'asc' }],
    ['q', { q: 'a\u0000b\n  c' }, { q: 'a b c' }],
    ['q', { q: 'x'.repeat(500) }, { q: 'x'.repeat(100) }],
    ['q', { q: 'Cafe\u0301' }, { q: 'Café' }],
    ['q', { q: ['first', 'second'] }, { q: 'first' }],
  ])('whitelists and clamps %s (%j)', (_name, query, expected) => {
    expect(parseListQuery(query, spec)).toMatchObject(expected);
  });

  it('honours the spec defaults and page sizes', () => {
    const custom: ListSpec<Sort> = { sortable: ['name', 'number'], defaultSort: 'number', defaultDir: 'desc', pageSizes: [20, 100], maxSearchLength: 5 };
    expect(parseListQuery({ pageSize: '100', q: 'abcdefgh' }, custom)).toEqual({ page: 1, pageSize: 100, sort: 'number', dir: 'desc', q: 'abcde' });
    expect(parseListQuery({ pageSize: '10' }, custom).pageSize).toBe(20);
  });
});

describe('paginate', () => {
  it.each([
    [{ page: 1, pageSize: 10 }, 0, { page: 1, pageCount: 1, offset: 0, from: 0, to: 0 }],
    [{ page: 1, pageSize: 10 }, 25, { page: 1, pageCount: 3, offset: 0, from: 1, to: 10 }],
    [{ page: 3, pageSize: 10 }, 25, { page: 3, pageCount: 3, offset: 20, from: 21, to: 25 }],
    [{ page: 9, pageSize: 10 }, 25, { page: 3, pageCount: 3, offset: 20, from: 21, to: 25 }],
    [{ page: 2, pageSize: 25 }, 50, { page: 2, pageCount: 2, offset: 25, from: 26, to: 50 }],
  ])('%j of %i rows', (query, total, expected) => {
    expect(paginate(query, total)).toMatchObject({ ...expected, total });
  });
});

describe('buildListView', () => {
  const columns = [
    { key: 'name', labelKey: 'common:actions.edit' },
    { key: 'number', labelKey: 'common:actions.delete' },
    { key: 'actions', labelKey: 'common:actions.export', sortable: false },
  ];

  it('builds sort links that toggle the direction on the sorted column and reset to page 1', () => {
    const query = parseListQuery({ sort: 'name', dir: 'asc', page: '2', q: 'a b' }, spec);
    const view = buildListView({ base: '/list', query, total: 30, columns, extra: { status: 'open' } });
    const [name, number, actions] = view.columns;
    expect(name).toMatchObject({ ariaSort: 'ascending', href: '/list?status=open&q=a+b&sort=name&dir=desc&pageSize=10&page=1' });
    expect(number).toMatchObject({ ariaSort: 'none', href: '/list?status=open&q=a+b&sort=number&dir=asc&pageSize=10&page=1' });
    expect(actions?.sortable).toBe(false);
    expect(actions?.href).toBeUndefined();
    expect(view.hidden).toEqual([
      { name: 'status', value: 'open' },
      { name: 'sort', value: 'name' },
      { name: 'dir', value: 'asc' },
    ]);
  });

  it('offers first/previous/next/last only when they exist, and a window of pages', () => {
    const first = buildListView({ base: '/l', query: parseListQuery({}, spec), total: 100, columns });
    expect(first.pagination.first).toBeUndefined();
    expect(first.pagination.previous).toBeUndefined();
    expect(first.pagination.next).toBe(listHref('/l', { ...parseListQuery({}, spec), page: 2 }));
    expect(first.pagination.last).toContain('page=10');
    expect(first.pagination.pages.map((p) => p.page)).toEqual([1, 2, 3]);

    const middle = buildListView({ base: '/l', query: parseListQuery({ page: '5' }, spec), total: 100, columns });
    expect(middle.pagination.pages.map((p) => p.page)).toEqual([3, 4, 5, 6, 7]);
    expect(middle.pagination.pages.find((p) => p.current)?.page).toBe(5);
    expect(middle.pagination.first).toContain('page=1');
    expect(middle.pagination.previous).toContain('page=4');

    const beyond = buildListView({ base: '/l', query: parseListQuery({ page: '50' }, spec), total: 100, columns });
    expect(beyond.window.page).toBe(10);
    expect(beyond.pagination.next).toBeUndefined();
    expect(beyond.pagination.last).toBeUndefined();
  });

  it('adds the parameters a pagination link asks for (e.g. a cursor), by its page and role, and none to the sort links', () => {
    const calls: string[] = [];
    const view = buildListView({
      base: '/l',
      query: parseListQuery({ page: '5' }, spec),
      total: 100,
      columns,
      extra: { status: 'open' },
      pageLinkParams: (page, rel) => {
        calls.push(`${rel}:${page}`);
        return rel === 'next' || rel === 'previous' ? { at: `${rel}-${page}` } : {};
      },
    });
    expect(view.pagination.next).toBe('/l?status=open&at=next-6&sort=name&dir=asc&pageSize=10&page=6');
    expect(view.pagination.previous).toBe('/l?status=open&at=previous-4&sort=name&dir=asc&pageSize=10&page=4');
    expect(view.pagination.first).toBe('/l?status=open&sort=name&dir=asc&pageSize=10&page=1');
    expect(view.pagination.last).toBe('/l?status=open&sort=name&dir=asc&pageSize=10&page=10');
    expect(calls.sort()).toEqual(['first:1', 'last:10', 'next:6', 'page:3', 'page:4', 'page:5', 'page:6', 'page:7', 'previous:4'].sort());
    expect(view.columns[0]?.href).not.toContain('at=');
    expect(view.queryString).not.toContain('at=');
  });
});

describe('escapeLike', () => {
  it('escapes the LIKE wildcards and the escape character', () => {
    expect(escapeLike('50%_a\\b')).toBe('50\\%\\_a\\\\b');
  });
});

describe('views/macros/table.njk', () => {
  const env = configureViews(undefined);
  const render = (view: ReturnType<typeof buildListView>, lang: 'fr' | 'en') =>
    cheerio.load(
      env.renderString(
        '{% from "macros/table.njk" import tableHead, showing, pagination, listControls %}<table>{{ tableHead(list, t) }}</table>{{ showing(list, t) }}{{ pagination(list, t) }}{{ listControls(list, t, { searchLabel: "Search" }) }}',
        { list: view, t: tFor(lang) },
      ),
    );
  const columns = [
    { key: 'name', labelKey: 'common:actions.edit' },
    { key: 'number', labelKey: 'common:actions.delete' },
  ];

  it('renders aria-sort, sort links, the count and an accessible pagination', () => {
    const view = buildListView({ base: '/l', query: parseListQuery({ page: '2', sort: 'number', dir: 'desc' }, spec), total: 35, columns });
    const $ = render(view, 'fr');
    expect($('th[aria-sort="descending"] a').attr('href')).toContain('sort=number&dir=asc');
    expect($('th[aria-sort="none"] a').text()).toBe('Modifier');
    expect($('.list-count').text()).toBe('Affichage 11 à 20 sur 35 enregistrements');
    expect(
      $('nav[aria-label="Pagination"] a')
        .map((_i, a) => $(a).text())
        .get(),
    ).toEqual(['Première page', 'Page précédente', '1', '2', '3', '4', 'Page suivante', 'Dernière page']);
    expect($('a[aria-current="page"]').text()).toBe('2');
    expect($('a[aria-current="page"]').attr('aria-label')).toBe('Page 2');
    expect($('form[role="search"] input[name="sort"]').val()).toBe('number');
    expect($('form[role="search"] select[name="pageSize"] option[selected]').text()).toBe('10');
  });

  it('renders no pagination for a single page, in English', () => {
    const view = buildListView({ base: '/l', query: parseListQuery({}, spec), total: 3, columns });
    const $ = render(view, 'en');
    expect($('nav').length).toBe(0);
    expect($('.list-count').text()).toBe('Showing 1 to 3 of 3 records');
  });

  it('counts one record in the singular, two in the plural, in both languages', () => {
    const count = (total: number, lang: 'fr' | 'en') =>
      render(buildListView({ base: '/l', query: parseListQuery({}, spec), total, columns }), lang)('.list-count').text();
    expect(count(1, 'fr')).toBe('Affichage 1 à 1 sur 1 enregistrement');
    expect(count(2, 'fr')).toBe('Affichage 1 à 2 sur 2 enregistrements');
    expect(count(1, 'en')).toBe('Showing 1 to 1 of 1 record');
    expect(count(2, 'en')).toBe('Showing 1 to 2 of 2 records');
  });
});
