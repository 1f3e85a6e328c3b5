import { badInput } from './errors';

/**
 * Money is exact: NUMERIC(16,2) yuan in the database, a decimal string in GraphQL
 * (`Money { amount, currency }`), fen (bigint) when compared or summed. Never a float.
 */

/** Up to 14 integer digits and 2 decimals, as NUMERIC(16,2) holds; never negative. */
const YUAN = /^\d{1,14}(\.\d{1,2})?$/;

export const CURRENCY = 'CNY';

/** Validates a decimal-yuan input string, naming the field when it is not one. */
export function parseYuan(value: string, field: string): string {
  const amount = value.trim();
  if (!YUAN.test(amount)) {
    throw badInput(field, 'Amounts are decimal yuan, zero or more, with at most 14 integer digits and 2 decimals (e.g. 1250000.00).');
  }
  return amount;
}

/** An amount in fen, for comparing and adding decimal strings exactly. */
export function toFen(amount: string): bigint {
  const negative = amount.startsWith('-');
  const [whole, fraction = ''] = amount.replace(/^-/, '').split('.');
  const fen = BigInt(whole!) * 100n + BigInt(fraction.padEnd(2, '0').slice(0, 2));
  return negative ? -fen : fen;
}

/** Fen back to a decimal-yuan string with two decimals. */
export function fromFen(fen: bigint): string {
  const sign = fen < 0n ? '-' : '';
  const abs = fen < 0n ? -fen : fen;
  return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
}

/** The GraphQL Money object for an amount in yuan. */
export function money(amount: string): { amount: string; currency: string } {
  return { amount, currency: CURRENCY };
}

/**
 * A NUMERIC money or area column as Prisma reads it (a Decimal), as the decimal string with two
 * places the graph answers: no float ever holds an amount.
 */
export function fromDecimalColumn(value: { toFixed(places: number): string }): string;
export function fromDecimalColumn(value: { toFixed(places: number): string } | null): string | null;
export function fromDecimalColumn(value: { toFixed(places: number): string } | null): string | null {
  return value === null ? null : value.toFixed(2);
}
