// Prisma maps a database error to its own code (P2002) on PostgreSQL; through the PGlite adapter
// some arrive with PostgreSQL's SQLSTATE instead, so both are recognised.
function errorCode(error: unknown): unknown {
  return (error as { code?: unknown } | null)?.code;
}

/** A unique-constraint violation (a duplicate). */
export function isUniqueViolation(error: unknown): boolean {
  return ['P2002', '23505'].includes(errorCode(error) as string);
}

/** A foreign-key violation (a reference to a row that is not there). */
export function isForeignKeyViolation(error: unknown): boolean {
  return ['P2003', '23503'].includes(errorCode(error) as string);
}

/** The single and paired characters a name is indexed by (mirrors the SQL name_grams function). */
export function searchGrams(text: string): string[] {
  const chars = Array.from(text.trim().toLowerCase());
  if (chars.length === 0) return [];
  if (chars.length === 1) return chars;
  const grams = new Set<string>();
  for (let i = 0; i < chars.length - 1; i++) grams.add(chars[i]! + chars[i + 1]!);
  return [...grams];
}
