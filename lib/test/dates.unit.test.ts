import { addDays, dayIn, daysBetween, fromDateColumn, todayIn, toDateColumn } from '../kernel/dates';
import { isUuid } from '../kernel/ids';

describe('calendar days', () => {
  test("the city's day, not the server's: 16:30 UTC on 31 December is already 1 January in Shanghai", () => {
    const instant = new Date('2026-12-31T16:30:00Z');
    expect(dayIn('Asia/Shanghai', instant)).toBe('2027-01-01');
    expect(dayIn('UTC', instant)).toBe('2026-12-31');
    expect(todayIn('Asia/Shanghai', instant)).toBe('2027-01-01');
    expect(todayIn('Asia/Shanghai', new Date('2026-12-31T15:59:59Z'))).toBe('2026-12-31');
  });

  test('adding days crosses months, years and leap days, both ways', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2027-01-01', -1)).toBe('2026-12-31');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2027-02-28', 1)).toBe('2027-03-01');
    expect(addDays('2026-06-15', 0)).toBe('2026-06-15');
  });

  test('days between two days, negative when the second is earlier', () => {
    expect(daysBetween('2026-12-31', '2027-01-01')).toBe(1);
    expect(daysBetween('2027-01-01', '2026-12-31')).toBe(-1);
    expect(daysBetween('2028-01-01', '2029-01-01')).toBe(366);
  });

  test('a DATE column round-trips without shifting a day', () => {
    expect(fromDateColumn(toDateColumn('2027-01-01'))).toBe('2027-01-01');
    expect(fromDateColumn(null)).toBeNull();
  });
});

describe('ids', () => {
  test('a UUID in either case is one; anything else is not', () => {
    expect(isUuid('2e4eede3-9cda-58f0-8140-a7ac81271e22')).toBe(true);
    expect(isUuid('2E4EEDE3-9CDA-58F0-8140-A7AC81271E22')).toBe(true);
    expect(isUuid('2e4eede3-9cda-58f0-8140-a7ac81271e2')).toBe(false);
    expect(isUuid(' 2e4eede3-9cda-58f0-8140-a7ac81271e22')).toBe(false);
    expect(isUuid("2e4eede3-9cda-58f0-8140-a7ac81271e22' OR 1=1")).toBe(false);
  });
});
