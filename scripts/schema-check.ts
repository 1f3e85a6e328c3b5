/**
 * `npm run schema:check`: compares the composed API schema with the last released one, writes
 * every change to schema/CHANGELOG.md's Unreleased section, and fails on breaking changes not
 * approved with a reason in schema/breaking-changes.json.
 * `npm run schema:check -- --release`: makes the current API schema the released one and dates
 * the Unreleased section (approvals are then cleared: they described this release).
 */
import fs from 'node:fs';
import {
  APPROVALS_PATH,
  apiSchemaSdl,
  CHANGELOG_PATH,
  checkSchema,
  readCurrent,
  RELEASED_PATH,
  unreleasedSection,
  withUnreleased,
} from '../lib/build/schema-changes';

void (async () => {
  const { released, current, approvals } = readCurrent();
  const check = await checkSchema(released, current, approvals);
  const changelog = fs.readFileSync(CHANGELOG_PATH, 'utf8');
  fs.writeFileSync(CHANGELOG_PATH, withUnreleased(changelog, unreleasedSection(check.changes, approvals)));
  for (const change of check.changes) console.log(`${change.criticality.level.padEnd(13)} ${change.path ?? ''}: ${change.message}`);
  if (check.stale.length) console.log(`Stale approvals (no such change any more): ${JSON.stringify(check.stale, null, 2)}`);
  if (check.unapproved.length) {
    console.error(`\n${check.unapproved.length} breaking change(s) not approved. Record each in ${APPROVALS_PATH} with a reason:`);
    console.error(
      JSON.stringify(
        check.unapproved.map((c) => ({ path: c.path, message: c.message, reason: '' })),
        null,
        2,
      ),
    );
    process.exit(1);
  }
  if (process.argv.includes('--release')) {
    const supergraph = fs.readFileSync(RELEASED_PATH.replace('released.graphql', 'supergraph.graphql'), 'utf8');
    fs.writeFileSync(RELEASED_PATH, apiSchemaSdl(supergraph));
    const dated = fs
      .readFileSync(CHANGELOG_PATH, 'utf8')
      .replace('## Unreleased', `## Unreleased\n\nNo changes since the last release.\n\n## ${new Date().toISOString().slice(0, 10)}`);
    fs.writeFileSync(CHANGELOG_PATH, dated);
    fs.writeFileSync(APPROVALS_PATH, '[]\n');
    console.log('Released: schema/released.graphql is now the current API schema.');
  }
})();
