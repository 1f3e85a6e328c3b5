import type { BookingModel } from './models';

/** iCalendar (RFC 5545) text: escaping (3.3.11), folding at 75 octets (3.1), CRLF line ends. */

export function escapeText(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n');
}

/** Folds a content line into lines of at most 75 octets, never splitting a UTF-8 character. */
export function foldLine(line: string): string {
  const pieces: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of line) {
    const size = Buffer.byteLength(char, 'utf8');
    // Continuation lines begin with one space, which counts towards their 75 octets.
    const limit = pieces.length === 0 ? 75 : 74;
    if (octets + size > limit) {
      pieces.push(current);
      current = '';
      octets = 0;
    }
    current += char;
    octets += size;
  }
  pieces.push(current);
  return pieces.join('\r\n ');
}

/** UTC form, e.g. 20261125T083000Z. */
export function utc(instant: Date): string {
  return instant
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

const STATUS: Record<BookingModel['status'], 'TENTATIVE' | 'CONFIRMED' | 'CANCELLED'> = {
  PENDING: 'TENTATIVE',
  CONFIRMED: 'CONFIRMED',
  CHECKED_IN: 'CONFIRMED',
  NO_SHOW: 'CONFIRMED',
  DECLINED: 'CANCELLED',
  CANCELLED: 'CANCELLED',
};

export interface CalendarEvent {
  booking: BookingModel;
  summary: string;
  location?: string;
  description?: string;
}

export const UID_DOMAIN = 'facilities.community-resource-graph';

export function calendar(name: string, timeZone: string, events: readonly CalendarEvent[]): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Community Resource Graph//Facilities//ZH',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${escapeText(name)}`,
    `X-WR-TIMEZONE:${timeZone}`,
  ];
  for (const { booking, summary, location, description } of events) {
    lines.push(
      'BEGIN:VEVENT',
      `UID:${booking.id}@${UID_DOMAIN}`,
      // DTSTAMP: when this version of the booking was made; SEQUENCE counts its revisions.
      `DTSTAMP:${utc(booking.updatedAt)}`,
      `SEQUENCE:${booking.version - 1}`,
      `DTSTART:${utc(booking.startsAt)}`,
      `DTEND:${utc(booking.endsAt)}`,
      `STATUS:${STATUS[booking.status]}`,
      `SUMMARY:${escapeText(summary)}`,
      ...(location ? [`LOCATION:${escapeText(location)}`] : []),
      ...(description ? [`DESCRIPTION:${escapeText(description)}`] : []),
      'TRANSP:OPAQUE',
      'END:VEVENT',
    );
  }
  lines.push('END:VCALENDAR');
  return `${lines.map(foldLine).join('\r\n')}\r\n`;
}
