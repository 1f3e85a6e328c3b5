import { badInput } from '../../../lib/kernel/errors';
import { fromFen, parseYuan, toFen } from '../../../lib/kernel/money';
import type { HousingConfig } from './config';
import type { Defect } from './generated/graphql';
import type { InspectionItems } from './models';

/** Input rules of the housing subgraph: each refusal names its input field. */

/** How long free text may be, in characters (lib/kernel/text checks it). Names, purposes, landlords: */
export const MAX_TEXT = 200;
/** A building's or unit's label. */
export const MAX_LABEL = 50;
/** A title certificate number or a payment reference. */
export const MAX_REFERENCE = 100;
export const MAX_ADDRESS = 500;
/** The document a reference price is published in. */
export const MAX_SOURCE_DOCUMENT = 500;
/** Inspection notes, a rectification's description, the reason for another reference year. */
export const MAX_LONG_TEXT = 2000;

const AREA = /^\d{1,8}(\.\d{1,2})?$/;

/** An area in m² as NUMERIC(10,2) holds it, more than zero; returned with two decimals. */
export function area(value: string, field: string): string {
  const trimmed = value.trim();
  if (!AREA.test(trimmed) || toFen(trimmed) === 0n) {
    throw badInput(field, 'Areas are m² with at most 8 integer digits and 2 decimals, more than zero (e.g. 420.50).');
  }
  return fromFen(toFen(trimmed));
}

/** Money in yuan via lib/kernel/money, more than zero when `positive`. */
export function yuan(value: string, field: string, positive = true): string {
  const amount = fromFen(toFen(parseYuan(value, field)));
  if (positive && toFen(amount) === 0n) throw badInput(field, 'The amount must be more than zero.');
  return amount;
}

export function integerIn(value: number, field: string, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw badInput(field, `Must be a whole number from ${min} to ${max}.`);
  return value;
}

export function year(value: number, field: string): number {
  return integerIn(value, field, 1990, 2100);
}

/**
 * Measured area may fall short of the plan by the tolerance at most (exact: hundredths of m²
 * against basis points); more area than planned is no defect.
 */
export function isAreaShort(plannedArea: string, measuredArea: string, toleranceBasisPoints: number): boolean {
  return toFen(measuredArea) * 10_000n < toFen(plannedArea) * BigInt(10_000 - toleranceBasisPoints);
}

/** How many m² (two decimals) the measured area falls short of the plan; null when it does not. */
export function areaShortBy(plannedArea: string, measuredArea: string): string | null {
  const short = toFen(plannedArea) - toFen(measuredArea);
  return short > 0n ? fromFen(short) : null;
}

/** The defects an inspection's items show; any one rejects the premises. */
export function defectsOf(items: InspectionItems, plannedArea: string, config: HousingConfig): Defect[] {
  const defects: Defect[] = [];
  if (isAreaShort(plannedArea, items.measuredArea, config.areaToleranceBasisPoints)) defects.push('AREA_SHORT');
  if (!items.locationAsPlanned) defects.push('LOCATION_NOT_AS_PLANNED');
  if (!items.aboveGround) defects.push('BASEMENT');
  if (!items.regularShape) defects.push('IRREGULAR_SHAPE');
  if (!items.noPartitions) defects.push('PARTITIONED');
  if (!items.ownEntrance) defects.push('NO_OWN_ENTRANCE');
  if (!items.utilities) defects.push('NO_UTILITIES');
  return defects;
}

/**
 * Buyback amount = area × unit price, exact: hundredths of m² times fen gives ten-thousandths
 * of a yuan, rounded half up to the fen.
 */
export function buybackAmount(areaM2: string, unitPrice: string): string {
  const product = toFen(areaM2) * toFen(unitPrice);
  return fromFen((product + 50n) / 100n);
}

/** Required premises area (m², two decimals): the larger of the minimum and the per-100-households rule. */
export function requiredArea(households: number, config: HousingConfig): string {
  // households × m² per 100 households / 100, in hundredths of m², is households × rate exactly.
  const perHouseholds = BigInt(households) * BigInt(config.m2Per100Households);
  const minimum = BigInt(config.minPremisesM2) * 100n;
  return fromFen(perHouseholds > minimum ? perHouseholds : minimum);
}

type CursorPart = 'date' | 'decimal';

const CURSOR_PART: Record<CursorPart, (value: string | number) => boolean> = {
  date: (v) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(v)),
  decimal: (v) => typeof v === 'string' && /^\d{1,12}\.\d{2}$/.test(v),
};

/**
 * The text parts of a cursor that are dates or decimals here (readPage checks the key kinds
 * lib knows): a forged one would reach SQL as a bad cast; refused as BAD_USER_INPUT instead.
 * `null` leaves a part to readPage.
 */
export function checkCursor(after: (string | number)[] | undefined, shape: (CursorPart | null)[], field = 'after'): void {
  if (after && !shape.every((part, i) => part === null || CURSOR_PART[part](after[i]!))) {
    throw badInput(field, 'This cursor was not issued by this list.');
  }
}

/**
 * Whether a connection field's selection asks for totalCount. Nested connections start their
 * count with the page, so every parent's count joins one batch (a count started later, when
 * GraphQL reaches the field, would split into several statements as pages finish at different
 * times).
 */
export function asksTotalCount(info: { fieldNodes: readonly { selectionSet?: { selections: readonly unknown[] } }[] }): boolean {
  return info.fieldNodes.some((node) =>
    (node.selectionSet?.selections ?? []).some(
      (s) =>
        (s as { kind: string; name?: { value: string } }).kind === 'Field' &&
        (s as { name: { value: string } }).name.value === 'totalCount',
    ),
  );
}
