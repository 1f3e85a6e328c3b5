import { badInput, ruleBroken } from '../../../lib/kernel/errors';
import { addDays, fromDateColumn, toDateColumn } from '../../../lib/kernel/dates';
import { parseYuan, toFen } from '../../../lib/kernel/money';
import { optionalText } from '../../../lib/kernel/text';
import { readPage, type ConnectionArgs, type CursorKey, type Page } from '../../../lib/runtime/connections';
import type { EvaluationGrade, OrganizationKind, ServiceCategory, TenderMethod } from './generated/graphql';
import type { BidModel, TenderModel } from './models';
import type { RegistryOrganization } from './registry';

/** The legal rules of government purchase of services, as pure checks (DOMAIN.md, procurement). */

export const OPEN_TENDER_MIN_DAYS = 20;
export const MIN_QUALIFIED_BIDS = 3;
export const MIN_INVITED = 3;
export const OBJECTION_WORKING_DAYS = 7;
export const SIGN_WITHIN_DAYS = 30;
/** Supplementary agreements: at most a tenth of the original value in total. */
export const SUPPLEMENT_CAP_DIVISOR = 10n;
export const MAX_TERM_MONTHS = 36;
export const DEFAULT_TERM_MONTHS = 12;
/** Free text: long (proposals, service content, reasons), names (titles, indicators) and catalogue codes. */
export const MAX_TEXT = 2000;
export const MAX_NAME = 200;
export const MAX_CODE = 32;
const MAX_LIST = 50;

export function list<T>(values: readonly T[], field: string, min = 0, max = MAX_LIST): readonly T[] {
  if (values.length < min) throw badInput(field, `${field} needs at least ${min} entr${min === 1 ? 'y' : 'ies'}.`);
  if (values.length > max) throw badInput(field, `${field} takes at most ${max} entries.`);
  return values;
}

/** A positive amount in yuan (decimal string), validated through lib/kernel/money. */
export function positiveYuan(value: string, field: string): string {
  const amount = parseYuan(value, field);
  if (toFen(amount) <= 0n) throw badInput(field, `${field} must be more than zero.`);
  return amount;
}

export function year(value: number, field: string): number {
  if (!Number.isInteger(value) || value < 2000 || value > 2100) throw badInput(field, `${field} must be a year from 2000 to 2100.`);
  return value;
}

export function score(value: number, field: string): number {
  if (!Number.isFinite(value) || value < 0 || value > 100) throw badInput(field, `${field} must be from 0 to 100.`);
  return Math.round(value * 100) / 100;
}

/** Term in months: 12 by default, up to 36 with a recorded justification. */
export function term(
  months: number | null | undefined,
  justification: string | null | undefined,
): { months: number; justification: string | null } {
  const value = months ?? DEFAULT_TERM_MONTHS;
  if (!Number.isInteger(value) || value < 1 || value > MAX_TERM_MONTHS) {
    throw ruleBroken('TERM_AT_MOST_THREE_YEARS', `A contract term is 1 to ${MAX_TERM_MONTHS} months.`, 'input.termMonths');
  }
  const reason = optionalText(justification, 'input.termJustification', MAX_TEXT, 'The justification');
  if (value > DEFAULT_TERM_MONTHS && !reason) {
    throw ruleBroken(
      'TERM_ONE_YEAR_UNLESS_JUSTIFIED',
      'A term longer than one year needs a recorded justification (secured funding, a stable service).',
      'input.termJustification',
    );
  }
  return { months: value, justification: reason };
}

/** What the rules read of a would-be bidder, as the registry says today. */
export type Bidder = Pick<RegistryOrganization, 'id' | 'name' | 'kind' | 'status' | 'categories' | 'currentGrade'>;

/** What a tender and its project say about who may bid. */
export interface BiddingTerms {
  method: TenderMethod;
  eligibleKinds: readonly OrganizationKind[];
  /** 1–5, or null for no minimum. */
  minGrade: number | null;
  invitedIds: readonly string[];
  category: ServiceCategory;
  purchaserId: string;
}

/**
 * The first eligibility rule the organisation breaks for the tender, or null when it may bid.
 * The one test of eligibility: submitBid refuses by the rule it names, and tendersAtRisk counts
 * the organisations that break none (so "supply" is who can actually bid).
 */
export function ineligibility(bidder: Bidder, terms: BiddingTerms): { rule: string; message: string } | null {
  if (bidder.status !== 'ACTIVE')
    return { rule: 'BIDDER_ACTIVE', message: `${bidder.name} is ${bidder.status} in the registry; only active organisations may bid.` };
  // Own staffing may not be bought as a service: no agency undertakes it, the purchaser least of all.
  if (bidder.kind === 'GOVERNMENT_AGENCY')
    return { rule: 'BIDDER_NOT_AGENCY', message: `${bidder.name} is a government agency; agencies cannot undertake purchased services.` };
  if (bidder.id === terms.purchaserId) return { rule: 'BIDDER_NOT_PURCHASER', message: `${bidder.name} is the purchaser of this project.` };
  if (!terms.eligibleKinds.includes(bidder.kind)) {
    return {
      rule: 'BIDDER_KIND_ELIGIBLE',
      message: `This tender accepts ${terms.eligibleKinds.join(', ')}; ${bidder.name} is ${bidder.kind}.`,
    };
  }
  if (terms.minGrade !== null && (bidder.currentGrade ?? 0) < terms.minGrade) {
    return { rule: 'BIDDER_MIN_GRADE', message: `This tender needs a current evaluation grade of at least ${terms.minGrade}A.` };
  }
  if (!bidder.categories.includes(terms.category))
    return { rule: 'BIDDER_SERVES_CATEGORY', message: `${bidder.name} is not registered for ${terms.category}.` };
  if ((terms.method === 'INVITED' || terms.method === 'SINGLE_SOURCE') && !terms.invitedIds.includes(bidder.id)) {
    return { rule: 'BIDDER_INVITED', message: `This ${terms.method} tender is for invited suppliers only.` };
  }
  return null;
}

/** Refuses the bidder by the first eligibility rule it breaks (see ineligibility). */
export function checkEligibility(bidder: Bidder, terms: BiddingTerms): void {
  const refusal = ineligibility(bidder, terms);
  if (refusal) throw ruleBroken(refusal.rule, refusal.message);
}

/** A tender takes bids (and their withdrawal) while active, from its opening instant until, not at, its closing. */
export function checkOpen(tender: Pick<TenderModel, 'id' | 'status' | 'opensAt' | 'closesAt'>, now: Date): void {
  if (tender.status !== 'ACTIVE') throw ruleBroken('TENDER_ACTIVE', `Tender ${tender.id} is ${tender.status}.`);
  if (now < tender.opensAt) throw ruleBroken('BEFORE_DEADLINE', `Tender ${tender.id} opens for bids at ${tender.opensAt.toISOString()}.`);
  if (now >= tender.closesAt) throw ruleBroken('BEFORE_DEADLINE', `Tender ${tender.id} closed at ${tender.closesAt.toISOString()}.`);
}

type RankedBid = Pick<BidModel, 'price' | 'score' | 'submittedAt'>;

/** Lowest price first; at the same price, the earlier bid. */
export function byPrice(a: RankedBid, b: RankedBid): number {
  const difference = toFen(a.price) - toFen(b.price);
  return difference !== 0n ? (difference < 0n ? -1 : 1) : a.submittedAt.getTime() - b.submittedAt.getTime();
}

/** Highest score first; at the same score, as byPrice. */
export function byScore(a: RankedBid, b: RankedBid): number {
  return Number(b.score) - Number(a.score) || byPrice(a, b);
}

/** A supplier's evaluation grades, 1A to 5A (a tender's minimum): a grade's number is its place here plus one. */
export const GRADES = ['GRADE_1A', 'GRADE_2A', 'GRADE_3A', 'GRADE_4A', 'GRADE_5A'] as const satisfies readonly EvaluationGrade[];

export function gradeNumber(grade: EvaluationGrade): number {
  return GRADES.indexOf(grade) + 1;
}

export function gradeName(grade: number): EvaluationGrade {
  const name = GRADES[grade - 1];
  if (!name) throw new Error(`No evaluation grade ${grade}.`);
  return name;
}

/** The day `count` working days after `day`: weekends and the configured holidays are skipped. */
export function addWorkingDays(day: string, count: number, holidays: ReadonlySet<string>): string {
  let current = day;
  let left = count;
  while (left > 0) {
    current = addDays(current, 1);
    const weekday = toDateColumn(current).getUTCDay();
    if (weekday !== 0 && weekday !== 6 && !holidays.has(current)) left--;
  }
  return current;
}

export function calendarDate(value: string, field: string): string {
  const date = toDateColumn(value);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(date.getTime()) || fromDateColumn(date) !== value) {
    throw badInput(field, `${field} is not a calendar date.`);
  }
  const y = date.getUTCFullYear();
  if (y < 2000 || y > 2100) throw badInput(field, `${field} must lie between 2000 and 2100.`);
  return value;
}

type KeyPart = 'date' | 'uuid' | 'time';
const LIB_KEY: Record<KeyPart, CursorKey> = { date: 'timestamp', uuid: 'uuid', time: 'timestamp' };

/**
 * A page whose cursor must decode to this list's key shape (lib's check), with calendar dates
 * held to YYYY-MM-DD: another list's cursor is refused, never run.
 */
export function keyedPage(args: ConnectionArgs, shape: KeyPart[]): Page<(string | number)[]> {
  const page = readPage(
    args,
    shape.map((part) => LIB_KEY[part]),
  );
  if (page.after && !shape.every((part, i) => part !== 'date' || /^\d{4}-\d{2}-\d{2}$/.test(String(page.after![i])))) {
    throw badInput('after', 'This cursor was not issued by this list.');
  }
  return page;
}
