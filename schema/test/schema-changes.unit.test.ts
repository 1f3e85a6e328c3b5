import fs from 'node:fs';
import { buildSchema } from 'graphql';
import { CHANGELOG_PATH, checkSchema, readCurrent, unreleasedSection, withUnreleased } from '../../lib/build/schema-changes';

/** The portals' contract: breaking changes are reviewed, every change is in the changelog. */

test('the composed API schema has no breaking change against the release that is not approved with a reason', async () => {
  const { released, current, approvals } = readCurrent();
  const check = await checkSchema(released, current, approvals);
  expect(check.unapproved.map((c) => `${c.path}: ${c.message}`)).toEqual([]);
  expect(check.stale).toEqual([]);
});

test('schema/CHANGELOG.md lists exactly the changes since the release (npm run schema:check writes it)', async () => {
  const { released, current, approvals } = readCurrent();
  const check = await checkSchema(released, current, approvals);
  const changelog = fs.readFileSync(CHANGELOG_PATH, 'utf8');
  expect(changelog).toBe(withUnreleased(changelog, unreleasedSection(check.changes, approvals)));
});

describe('the check itself', () => {
  const before = buildSchema('type Query { a: String! b(x: Int): Int c: String }');

  test('removing a field or narrowing an argument is breaking until approved with a reason', async () => {
    const after = buildSchema('type Query { a: String b(x: Int!): Int }');
    const check = await checkSchema(before, after, []);
    expect(check.unapproved.map((c) => c.path).sort()).toEqual(['Query.a', 'Query.b.x', 'Query.c']);
    const approvals = check.unapproved.map((c) => ({ path: c.path!, message: c.message, reason: 'agreed with the portals' }));
    expect((await checkSchema(before, after, approvals)).unapproved).toEqual([]);
    // An approval without a reason approves nothing.
    expect(
      (
        await checkSchema(
          before,
          after,
          approvals.map((a) => ({ ...a, reason: ' ' })),
        )
      ).unapproved,
    ).toHaveLength(3);
  });

  test('adding is not breaking, and an approval for a change that no longer happens is reported stale', async () => {
    const after = buildSchema('type Query { a: String! b(x: Int): Int c: String d: Int }');
    const check = await checkSchema(before, after, [{ path: 'Query.z', message: 'gone', reason: 'old' }]);
    expect(check.unapproved).toEqual([]);
    expect(check.changes.map((c) => c.path)).toContain('Query.d');
    expect(check.stale).toEqual([{ path: 'Query.z', message: 'gone', reason: 'old' }]);
  });
});
