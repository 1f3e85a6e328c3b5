import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HttpRoute } from '../../../lib/http';
import type { FacilitiesConfig } from './config';
import { calendar } from './ical';
import { isUuid, PUBLIC_STATUSES, type FacilitiesStore } from './store';

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

function send(res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'private, max-age=300' });
  res.end(body);
}

function nameFrom(req: IncomingMessage, prefix: string): string {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  const name = decodeURIComponent(path.slice(prefix.length));
  return name.endsWith('.ics') ? name.slice(0, -4) : '';
}

export function calendarRoutes(store: FacilitiesStore, config: FacilitiesConfig): HttpRoute[] {
  const since = () => new Date(Date.now() - config.calendarPastDays * 86_400_000);
  return [
    {
      method: 'GET',
      prefix: FACILITY_FEED_PREFIX,
      // Public: busy times only, with no names or purposes.
      async handle(req, res) {
        const id = nameFrom(req, FACILITY_FEED_PREFIX);
        const [facility] = isUuid(id) ? await store.facilitiesById([id]) : [];
        if (!facility || !PUBLIC_STATUSES.includes(facility.status)) return send(res, 404, 'No such public facility calendar.\n');
        const bookings = await store.calendarBookings({ facilityId: facility.id }, since());
        const body = calendar(`${facility.name} 占用`, config.timeZone, bookings.map((booking) => ({ booking, summary: '已预约 Busy', location: facility.address })));
        send(res, 200, body, 'text/calendar; charset=utf-8');
      },
    },
    {
      method: 'GET',
      prefix: BOOKER_FEED_PREFIX,
      // The secret in the URL is the credential: calendar programs send no bearer token.
      async handle(req, res) {
        const secret = nameFrom(req, BOOKER_FEED_PREFIX);
        const subject = /^[\w-]{43}$/.test(secret) ? await store.calendarSubject(hashSecret(secret)) : null;
        if (!subject) return send(res, 404, 'No such calendar (the link may have been rotated).\n');
        const bookings = await store.calendarBookings({ booker: subject }, since());
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
        send(res, 200, body, 'text/calendar; charset=utf-8');
      },
    },
  ];
}
