import { createHash, randomBytes } from 'node:crypto';
import { badInput, notFound } from '../../../lib/kernel/errors';
import { isUuid } from '../../../lib/kernel/ids';
import type { HttpAnswer, HttpRoute } from '../../../lib/edge/http';
import type { FacilitiesConfig } from './config';
import { calendar } from './ical';
import { PUBLIC_STATUSES } from './models';
import type { FacilitiesStore } from './store';

/** The calendar feeds, served by this subgraph over plain HTTP so calendar programs can subscribe. */

export const FACILITY_FEED_PREFIX = '/calendars/facilities/';
export const BOOKER_FEED_PREFIX = '/calendars/bookers/';

export function facilityFeedPath(id: string): string {
  return `${FACILITY_FEED_PREFIX}${id}.ics`;
}

export function bookerFeedPath(secret: string): string {
  return `${BOOKER_FEED_PREFIX}${secret}.ics`;
}

/** A new secret for a booker's feed URL, and the hash kept in the database. */
export function newCalendarSecret(): { secret: string; hash: string } {
  const secret = randomBytes(32).toString('base64url');
  return { secret, hash: hashSecret(secret) };
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

function feed(body: string): HttpAnswer {
  return { status: 200, type: 'text/calendar; charset=utf-8', headers: { 'cache-control': 'private, max-age=300' }, body };
}

/**
 * The name in a feed's path (`<name>.ics`), refused with 400 when it cannot be one (the lib/edge/http
 * route turns a thrown refusal into its status and the graph's error body, which a calendar
 * program ignores but a person reading it can quote).
 */
function nameFrom(path: string, prefix: string, field: string, valid: (name: string) => boolean): string {
  const file = path.slice(prefix.length);
  const name = file.endsWith('.ics') ? file.slice(0, -4) : '';
  if (!valid(name)) throw badInput(field, `A calendar path is ${prefix}<${field}>.ics; ${JSON.stringify(file.slice(0, 80))} is not one.`);
  return name;
}

export function calendarRoutes(store: FacilitiesStore, config: FacilitiesConfig): HttpRoute[] {
  const since = () => new Date(Date.now() - config.calendarPastDays * 86_400_000);
  return [
    {
      method: 'GET',
      prefix: FACILITY_FEED_PREFIX,
      // Public: busy times only, with no names or purposes.
      async handle({ path }) {
        const id = nameFrom(path, FACILITY_FEED_PREFIX, 'facilityId', isUuid);
        const [facility] = await store.facilities.byId([id]);
        if (!facility || !PUBLIC_STATUSES.includes(facility.status)) throw notFound('No such public facility calendar.');
        const bookings = await store.calendars.bookings({ facilityId: facility.id }, since());
        const body = calendar(
          `${facility.name} 占用`,
          config.timeZone,
          bookings.map((booking) => ({ booking, summary: '已预约 Busy', location: facility.address })),
        );
        return feed(body);
      },
    },
    {
      method: 'GET',
      prefix: BOOKER_FEED_PREFIX,
      // The secret in the URL is the credential: calendar programs send no bearer token.
      async handle({ path }) {
        const secret = nameFrom(path, BOOKER_FEED_PREFIX, 'secret', (name) => /^[\w-]{43}$/.test(name));
        const subject = await store.calendars.subjectOf(hashSecret(secret));
        if (!subject) throw notFound('No such calendar (the link may have been rotated).');
        const bookings = await store.calendars.bookings({ booker: subject }, since());
        const body = calendar(
          '我的预约 My bookings',
          config.timeZone,
          bookings.map((booking) => ({
            booking,
            summary: booking.facilityName,
            location: booking.facilityAddress,
            description: [booking.purpose, booking.statusReason].filter(Boolean).join('\n') || undefined,
          })),
        );
        return feed(body);
      },
    },
  ];
}
