/**
 * `DATABASE_URL=postgresql://… npm run bench:burst [-- --requests 1000 --capacity 5]`: a burst of
 * bookings of one slot, every request from a different resident and all sent at once through
 * the gateway, on PostgreSQL (the embedded database runs one transaction at a time, so it has no
 * lock queue to measure). The database named in DATABASE_URL is migrated and gets one new
 * facility per run. Reports the time until the last loser is answered, the answers by code
 * (and rule), and that exactly `capacity` bookings exist afterwards.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { signToken, type TokenClaims } from '../lib/kernel/auth';
import { loadConfig } from '../lib/runtime/config';
import { migrate } from '../lib/runtime/db';
import { createHttpClient } from '../lib/runtime/http-client';
import { createLogger } from '../lib/runtime/log';
import { openConfiguredDatabase } from '../lib/runtime/process';
import { launchGraph } from '../scripts/launch';
import { migrationTimelines } from '../scripts/subgraph-code';
import { subgraphDefaults, subgraphs } from '../subgraphs';

const SECRET = 'bench-secret-bench-secret-bench-secret-0001';
const AREA = '510107001001';

const REGISTER = `mutation ($input: RegisterFacilityInput!) { registerFacility(input: $input) { facility { id } } }`;
const LIST = `mutation ($input: ChangeFacilityStatusInput!) { changeFacilityStatus(input: $input) { facility { id } } }`;
const BOOK = `mutation ($input: BookFacilityInput!) { bookFacility(input: $input) { booking { id } } }`;

interface Answer {
  code: string;
  ms: number;
}

async function main() {
  const { values } = parseArgs({ options: { requests: { type: 'string', default: '1000' }, capacity: { type: 'string', default: '5' } } });
  const requests = Number(values.requests);
  const capacity = Number(values.capacity);
  if (!process.env.DATABASE_URL) throw new Error('Set DATABASE_URL to a PostgreSQL database the burst may migrate and write to.');
  const ports = Object.fromEntries(subgraphs.map((s) => [`${s.name.toUpperCase()}_PORT`, '0']));
  const config = loadConfig(
    {
      ...process.env,
      NODE_ENV: 'production',
      LOG_LEVEL: 'silent',
      JWT_SECRET: SECRET,
      GATEWAY_PORT: '0',
      RATE_LIMIT_POINTS: '0',
      ...ports,
    },
    subgraphDefaults(),
  );
  const database = await openConfiguredDatabase(config);
  await migrate(database, migrationTimelines());
  const graph = await launchGraph({ config, log: createLogger('silent', 'bench'), subgraphs, database });
  const client = createHttpClient();
  const token = (claims: TokenClaims) => signToken(SECRET, claims);
  const send = async (query: string, variables: object, bearer: string, headers: Record<string, string> = {}) => {
    const response = await client.request(
      graph.gatewayUrl,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}`, ...headers },
        body: JSON.stringify({ query, variables }),
      },
      120_000,
    );
    return (await response.json()) as { data?: Record<string, unknown>; errors?: { extensions?: { code?: string; rule?: string } }[] };
  };
  try {
    const unit = randomUUID();
    const admin = await token({ sub: `burst-admin-${unit}`, roles: ['UNIT_ADMIN'], area: '510107000000', org: unit });
    const registered = await send(
      REGISTER,
      {
        input: {
          unitId: unit,
          communityCode: AREA,
          kind: 'PARKING',
          name: `Burst ${unit.slice(0, 8)}`,
          address: '晋阳路 1 号',
          capacity,
          openingHours: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, opens: '00:00', closes: '24:00' })),
          closures: [],
          policy: {
            slotMinutes: 60,
            minSlots: 1,
            maxSlots: 4,
            advanceDays: 200,
            weeklyQuota: 3,
            approvalRequired: false,
            cancellationDeadlineHours: 2,
          },
          pricePerSlot: null,
          accessibility: null,
        },
      },
      admin,
    );
    if (registered.errors) throw new Error(JSON.stringify(registered.errors));
    const facilityId = (registered.data as { registerFacility: { facility: { id: string } } }).registerFacility.facility.id;
    const listed = await send(
      LIST,
      { input: { id: facilityId, to: 'LISTED' } },
      await token({ sub: 'burst-worker', roles: ['COMMUNITY_WORKER'], area: AREA }),
    );
    if (listed.errors) throw new Error(JSON.stringify(listed.errors));

    const day = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
    const input = { facilityId, startsAt: `${day}T10:00:00+08:00`, endsAt: `${day}T11:00:00+08:00` };
    const residents = await Promise.all(
      Array.from({ length: requests }, (_, i) => token({ sub: `burst-${unit.slice(0, 8)}-${i}`, roles: ['RESIDENT'], area: AREA })),
    );

    const started = performance.now();
    const answers: Answer[] = await Promise.all(
      residents.map(async (bearer) => {
        try {
          const body = await send(BOOK, { input }, bearer, { 'idempotency-key': randomUUID() });
          const error = body.errors?.[0]?.extensions;
          return { code: error ? `${error.code}${error.rule ? `/${error.rule}` : ''}` : 'OK', ms: performance.now() - started };
        } catch (error) {
          return { code: `NO_ANSWER/${(error as NodeJS.ErrnoException).code ?? (error as Error).name}`, ms: performance.now() - started };
        }
      }),
    );
    const losers = answers
      .filter((a) => a.code !== 'OK')
      .map((a) => a.ms)
      .sort((a, b) => a - b);
    const byCode = answers.reduce<Record<string, number>>((tally, a) => ({ ...tally, [a.code]: (tally[a.code] ?? 0) + 1 }), {});
    const [stored] = await database.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM facilities.booking WHERE facility_id = $1::uuid AND status IN ('PENDING', 'CONFIRMED', 'CHECKED_IN')",
      [facilityId],
    );
    const at = (q: number) => Math.round(losers[Math.min(losers.length - 1, Math.floor(q * losers.length))] ?? 0);
    console.log(
      JSON.stringify(
        {
          requests,
          capacity,
          answersByCode: byCode,
          bookingsStored: stored!.n,
          lastLoserAnsweredMs: Math.round(losers.at(-1) ?? 0),
          loserMedianMs: at(0.5),
          loser95Ms: at(0.95),
          lastAnswerMs: Math.round(Math.max(...answers.map((a) => a.ms))),
        },
        null,
        2,
      ),
    );
  } finally {
    client.close();
    await graph.stop();
    await database.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
