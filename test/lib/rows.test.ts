import { bool, column, int, rowMapper, text, textOrNull } from '../../src/lib/rows';

interface Person {
  id: number;
  name: string;
  role: 'admin' | 'user';
  nickname: string | null;
  active: boolean;
  tags: string[];
}

const PERSON = rowMapper<Person>({
  id: int('id'),
  name: text('display_name'),
  role: text('role'),
  nickname: textOrNull('nickname'),
  active: bool('active'),
  tags: column('tags', (v) => JSON.parse(v as string) as string[]),
});

describe('rowMapper', () => {
  it('selects exactly the declared columns, once each', () => {
    expect(PERSON.columns).toEqual(['id', 'display_name', 'role', 'nickname', 'active', 'tags']);
    const twice = rowMapper<{ a: string; b: string }>({ a: text('x'), b: text('x') });
    expect(twice.columns).toEqual(['x']);
  });

  it('reads a field declared with a bare reader from its own name in snake case', () => {
    const mapper = rowMapper<{ accountId: number; firstName: string | null; isActive: boolean; label: string }>({
      accountId: int,
      firstName: textOrNull,
      isActive: bool,
      label: text('display_label'),
    });
    expect(mapper.columns).toEqual(['account_id', 'first_name', 'is_active', 'display_label']);
    expect(mapper.map({ account_id: '12', first_name: undefined, is_active: 1, display_label: 'X' })).toEqual({
      accountId: 12,
      firstName: null,
      isActive: true,
      label: 'X',
    });
  });

  it('reads each field from its column, converting as declared', () => {
    const row = { id: '7', display_name: 'Ana', role: 'admin', nickname: undefined, active: 1, tags: '["a","b"]', other: 'ignored' };
    expect(PERSON.map(row)).toEqual({ id: 7, name: 'Ana', role: 'admin', nickname: null, active: true, tags: ['a', 'b'] });
  });

  it('works as an array callback (the index is not taken for a prefix)', () => {
    const rows = [
      { id: 1, display_name: 'A', role: 'user', nickname: 'a', active: 0, tags: '[]' },
      { id: 2, display_name: 'B', role: 'user', nickname: null, active: 1, tags: '[]' },
    ];
    expect(rows.map(PERSON.map).map((p) => [p.id, p.name, p.active])).toEqual([
      [1, 'A', false],
      [2, 'B', true],
    ]);
  });

  it('selects and reads a joined table under a prefix', () => {
    expect(PERSON.prefixed('p', 'p_')).toEqual([
      'p.id as p_id',
      'p.display_name as p_display_name',
      'p.role as p_role',
      'p.nickname as p_nickname',
      'p.active as p_active',
      'p.tags as p_tags',
    ]);
    const row = { id: 99, p_id: 3, p_display_name: 'C', p_role: 'admin', p_nickname: 'c', p_active: true, p_tags: '["x"]' };
    expect(PERSON.fromPrefixed(row, 'p_')).toEqual({ id: 3, name: 'C', role: 'admin', nickname: 'c', active: true, tags: ['x'] });
  });
});

describe('snakeCaseColumns', () => {
  it('names each field as its column', () => {
    const { snakeCaseColumns } = jest.requireActual<typeof import('../../src/lib/rows')>('../../src/lib/rows');
    expect(snakeCaseColumns({ accessKeyId: 1, name: 'x', createdAt: 't', additionalApproverRequired: true })).toEqual({
      access_key_id: 1,
      name: 'x',
      created_at: 't',
      additional_approver_required: true,
    });
  });
});
