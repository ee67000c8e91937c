import { useFreshDatabase } from '../support/database';
import { givenAccount } from '../support/builders';
import { whereIdIn, type Db } from '../../src/platform/db';

/** Runs on PostgreSQL too with TEST_DATABASE_URL. */
describe('whereIdIn (the id list as one JSON parameter)', () => {
  let db: Db;
  useFreshDatabase((opened) => (db = opened));
  let ids: number[];
  beforeAll(async () => {
    ids = [];
    for (let i = 0; i < 6; i++) ids.push(await givenAccount(db));
  });

  it.each([
    ['some', (all: number[]) => [all[0]!, all[2]!, all[5]!]],
    ['all', (all: number[]) => all],
    ['one', (all: number[]) => [all[3]!]],
    ['none', () => []],
    ['unknown ids', () => [999_999, 1_000_000]],
  ])('selects the same rows as whereIn: %s', async (_label, pick) => {
    const wanted = pick(ids);
    const viaJson = (await whereIdIn(db('account as a'), 'a.id', wanted).orderBy('a.id').select('a.id')).map((r: { id: number }) => Number(r.id));
    const viaList = (await db('account as a').whereIn('a.id', wanted).orderBy('a.id').select('a.id')).map((r: { id: number }) => Number(r.id));
    expect(viaJson).toEqual(viaList);
    expect(viaJson).toEqual([...wanted].filter((id) => ids.includes(id)).sort((x, y) => x - y));
  });
});
