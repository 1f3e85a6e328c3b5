/**
 * Jurisdiction by statistical division code (12 digits: province 2, city 4, district 6,
 * street 9, community 12; higher rungs pad with zeros). A jurisdiction covers every code that
 * starts with its significant prefix. This is the one place that decides it.
 */
export type AreaLevel = 'PROVINCE' | 'CITY' | 'DISTRICT' | 'STREET' | 'COMMUNITY';

const PREFIX_LENGTH: Record<AreaLevel, number> = { PROVINCE: 2, CITY: 4, DISTRICT: 6, STREET: 9, COMMUNITY: 12 };

export const AREA_CODE_PATTERN = /^\d{12}$/;

export function isAreaCode(value: string): boolean {
  return AREA_CODE_PATTERN.test(value) && value.slice(0, 2) !== '00';
}

/** The rung a code stands on, read from its zero padding. */
export function levelOfCode(code: string): AreaLevel {
  if (code.slice(2) === '0000000000') return 'PROVINCE';
  if (code.slice(4) === '00000000') return 'CITY';
  if (code.slice(6) === '000000') return 'DISTRICT';
  if (code.slice(9) === '000') return 'STREET';
  return 'COMMUNITY';
}

export function prefixLength(level: AreaLevel): number {
  return PREFIX_LENGTH[level];
}

/** The significant prefix of a code: `510108000000` → `510108`. */
export function significantPrefix(code: string): string {
  return code.slice(0, PREFIX_LENGTH[levelOfCode(code)]);
}

/**
 * The 12-digit codes that start with `prefix`, as a range for Prisma filters on CHAR(12) code
 * columns: Prisma's `startsWith` casts the column to text, which no index serves, so every such
 * read scanned the whole table (and grew with the city); a range compares CHAR to CHAR and uses
 * the column's btree index.
 */
export function codesWithPrefix(prefix: string): { gte: string; lte: string } {
  return { gte: prefix.padEnd(12, '0'), lte: prefix.padEnd(12, '9') };
}

/** Whether the jurisdiction `area` covers `code` (itself or anything beneath it). */
export function covers(area: string, code: string): boolean {
  return isAreaCode(area) && isAreaCode(code) && code.startsWith(significantPrefix(area));
}

/** The level directly above, or undefined for a province. */
export function parentLevel(level: AreaLevel): AreaLevel | undefined {
  const order: AreaLevel[] = ['PROVINCE', 'CITY', 'DISTRICT', 'STREET', 'COMMUNITY'];
  return order[order.indexOf(level) - 1];
}
