import { ConfigError, loadConfig } from '../../../lib/runtime/config';
import { loadFacilitiesConfig } from '../src/config';
import { escapeText, foldLine, utc } from '../src/ical';
import { localTime, parseClock } from '../src/time';

describe('iCalendar text (RFC 5545)', () => {
  test('escapes backslash, semicolon, comma and newlines (3.3.11)', () => {
    expect(escapeText('a\\b;c,d\ne\r\nf')).toBe('a\\\\b\\;c\\,d\\ne\\nf');
  });

  test('folds at 75 octets without splitting a UTF-8 character, continuation lines starting with a space', () => {
    const line = `SUMMARY:${'社区之家'.repeat(20)}`;
    const folded = foldLine(line).split('\r\n');
    expect(folded.length).toBeGreaterThan(1);
    for (const piece of folded) expect(Buffer.byteLength(piece, 'utf8')).toBeLessThanOrEqual(75);
    expect(folded.slice(1).every((piece) => piece.startsWith(' '))).toBe(true);
    expect(folded.map((piece, i) => (i === 0 ? piece : piece.slice(1))).join('')).toBe(line);
    expect(foldLine('x'.repeat(75))).toBe('x'.repeat(75));
    expect(foldLine('x'.repeat(76))).toBe(`${'x'.repeat(75)}\r\n x`);
  });

  test('instants in UTC form', () => {
    expect(utc(new Date('2026-12-01T02:30:00.123Z'))).toBe('20261201T023000Z');
  });
});

describe('local time in the city zone', () => {
  test('reads the wall clock of the zone, not the server', () => {
    expect(localTime(new Date('2026-11-30T16:00:00Z'), 'Asia/Shanghai')).toEqual({ date: '2026-12-01', minute: 0, weekday: 2, second: 0 });
    expect(localTime(new Date('2027-03-28T01:30:00Z'), 'Europe/Berlin')).toMatchObject({ date: '2027-03-28', minute: 3 * 60 + 30 });
  });

  test('clock strings: 24:00 only as a closing time', () => {
    expect(parseClock('24:00', true)).toBe(1440);
    expect(parseClock('24:00', false)).toBeUndefined();
    expect(parseClock('09:60', false)).toBeUndefined();
    expect(parseClock('9:00', false)).toBeUndefined();
  });
});

describe('configuration', () => {
  test('defaults, overrides and refusals name the variable', () => {
    expect(loadFacilitiesConfig(loadConfig({}))).toEqual({
      timeZone: 'Asia/Shanghai',
      lockTimeoutMs: 3000,
      transactionWaitMs: 4000,
      calendarPastDays: 90,
      bookingLockTryMs: 50,
      waitlistPerSlot: 200,
      waitlistPerBooker: 10,
    });
    expect(loadFacilitiesConfig(loadConfig({ CITY_TIME_ZONE: 'Asia/Urumqi', FACILITIES_LOCK_TIMEOUT_MS: '250' }))).toMatchObject({
      timeZone: 'Asia/Urumqi',
      lockTimeoutMs: 250,
    });
    expect(() => loadFacilitiesConfig(loadConfig({ FACILITIES_CALENDAR_PAST_DAYS: '-1' }))).toThrow(ConfigError);
    expect(() => loadFacilitiesConfig(loadConfig({ FACILITIES_LOCK_TIMEOUT_MS: 'soon' }))).toThrow(/FACILITIES_LOCK_TIMEOUT_MS/);
    expect(() => loadFacilitiesConfig(loadConfig({ FACILITIES_BOOKING_LOCK_TRY_MS: '0' }))).toThrow(/FACILITIES_BOOKING_LOCK_TRY_MS/);
    expect(loadFacilitiesConfig(loadConfig({ FACILITIES_WAITLIST_PER_SLOT: '5', FACILITIES_WAITLIST_PER_BOOKER: '2' }))).toMatchObject({
      waitlistPerSlot: 5,
      waitlistPerBooker: 2,
    });
    expect(() => loadFacilitiesConfig(loadConfig({ FACILITIES_WAITLIST_PER_SLOT: '0' }))).toThrow(/FACILITIES_WAITLIST_PER_SLOT/);
    expect(() => loadFacilitiesConfig(loadConfig({ FACILITIES_WAITLIST_PER_BOOKER: 'many' }))).toThrow(/FACILITIES_WAITLIST_PER_BOOKER/);
  });
});
