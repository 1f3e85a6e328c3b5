import { firstDifference, normalise } from '../equal-work';

describe('the equal-work comparison', () => {
  test('one form for data from GraphQL and from SQL', () => {
    expect(normalise({ b: '350.00', a: new Date('2026-12-03T16:00:00Z') })).toEqual({ a: '2026-12-03T16:00:00.000Z', b: '350' });
    expect(normalise('2026-12-04T00:00:00+08:00')).toBe('2026-12-03T16:00:00.000Z');
    expect(normalise('1250000.50')).toBe('1250000.5');
    expect(normalise(12n)).toBe(12);
    // Keys in order, so two objects with the same fields print alike.
    expect(JSON.stringify(normalise({ z: 1, y: { b: 2, a: 1 } }))).toBe('{"y":{"a":1,"b":2},"z":1}');
    // Not every digit string is a decimal: codes and dates stay as they are.
    expect(normalise('510107001002')).toBe('510107001002');
    expect(normalise('2026-12-03')).toBe('2026-12-03');
  });

  test('names the first difference, or none', () => {
    const gateway = { communities: { totalCount: 2, edges: [{ node: { code: 'a' } }, { node: { code: 'b' } }] } };
    expect(firstDifference(normalise(gateway), normalise(structuredClone(gateway)))).toBeNull();
    expect(firstDifference(gateway, { communities: { totalCount: 2, edges: [{ node: { code: 'a' } }, { node: { code: 'c' } }] } })).toBe(
      '$.communities.edges[1].node.code: "b" ≠ "c"',
    );
    expect(firstDifference(gateway, { communities: { totalCount: 2, edges: [{ node: { code: 'a' } }] } })).toBe(
      '$.communities.edges: 2 rows ≠ 1 rows',
    );
    expect(firstDifference({ a: 1, b: 2 }, { a: 1 })).toBe('$.b: only in the first');
    expect(firstDifference({ a: null }, { a: 0 })).toBe('$.a: null ≠ 0');
    // A column the floor reads but the gateway does not ask for is a difference too.
    expect(firstDifference({ a: 1 }, { a: 1, extra: 'x' })).toBe('$.extra: only in the second');
  });
});
