/**
 * Calendar dates (`YYYY-MM-DD`, the CalendarDate scalar) as PostgreSQL DATE columns hold them
 * through Prisma: a Date at midnight UTC. One place for both directions, so no store shifts a
 * day by converting in the server's zone.
 */
export function toDateColumn(day: string): Date {
  return new Date(`${day}T00:00:00Z`);
}

export function fromDateColumn(date: Date): string;
export function fromDateColumn(date: Date | null): string | null;
export function fromDateColumn(date: Date | null): string | null {
  return date ? date.toISOString().slice(0, 10) : null;
}

/** The calendar day an instant falls on in a time zone (the city's: CITY_TIME_ZONE). */
export function dayIn(timeZone: string, instant: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
}

/** Today in a time zone, YYYY-MM-DD: "today" is the city's day, not the server's. */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  return dayIn(timeZone, now);
}

/** The day `days` after `day` (before, when negative), across months, years and leap days. */
export function addDays(day: string, days: number): string {
  const date = toDateColumn(day);
  date.setUTCDate(date.getUTCDate() + days);
  return fromDateColumn(date);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((toDateColumn(to).getTime() - toDateColumn(from).getTime()) / 86_400_000);
}
