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
