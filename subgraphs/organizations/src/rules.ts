import { parseYuan, toFen } from '../../../lib/kernel/money';
import { badInput, ruleBroken } from '../../../lib/kernel/errors';
import { optionalText, requiredText, textChange } from '../../../lib/kernel/text';
import { CREDIT_CODE_CHARSET, validateCreditCode } from '../../../lib/kernel/credit-code';
import { CREDIT_CODE_PREFIX_BY_KIND } from './credit-code';
import type {
  ContactInput,
  EvaluationGrade,
  FileAnnualReportInput,
  IncubationInput,
  RecordEvaluationGradeInput,
  RecordAnnualInspectionInput,
  RecordListingInput,
  RecordPenaltyInput,
  RecordRemovalInput,
  RegisterOrganizationInput,
  ServiceCategory,
  UpdateOrganizationProfileInput,
} from './generated/graphql';
import type { OrganizationKind } from './generated/prisma/enums';
import type {
  GradeRecord,
  ListEntryModel,
  NewInspection,
  NewListing,
  NewOrganization,
  NewPenalty,
  OrganizationModel,
  ProfileChanges,
  Removal,
  ReportFigures,
} from './models';

/** The registry's input rules, kept apart from GraphQL plumbing so they read as the domain. */

const MAX_NAME = 100;
const MAX_PERSON = 50;
const MAX_TEXT = 200;
const MAX_REASON = 500;
const MAX_SERVICE_AREAS = 50;
/** 社会组织评估: a grade is valid for at most five years. */
const MAX_GRADE_YEARS = 5;

export const GRADED_KINDS: readonly OrganizationKind[] = ['SOCIAL_ASSOCIATION', 'SOCIAL_SERVICE_AGENCY', 'FOUNDATION'];

export const GRADE_VALUES: Record<EvaluationGrade, number> = { GRADE_1A: 1, GRADE_2A: 2, GRADE_3A: 3, GRADE_4A: 4, GRADE_5A: 5 };

export function gradeName(value: number): EvaluationGrade {
  return `GRADE_${value}A` as EvaluationGrade;
}

function figure(value: number | null | undefined, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Number.isInteger(value) || value < 0) throw badInput(field, 'Counts must be whole numbers, zero or more.');
  return value;
}

/** Decisions and registrations are recorded once taken: a day after today is refused. */
function notAfterToday(day: string, today: string, field: string): string {
  if (day > today) throw ruleBroken('DATE_NOT_IN_FUTURE', `${day} is in the future (today is ${today}).`, field);
  return day;
}

function addYears(day: string, years: number): string {
  return `${String(Number(day.slice(0, 4)) + years).padStart(4, '0')}${day.slice(4)}`;
}

export interface CreditCodeProblem {
  message: string;
  /** `expectedCheckCharacter` whenever the first 17 characters are from the set. */
  extensions: { expectedCheckCharacter?: string };
}

/**
 * The one check of a code's form (GB 32100-2015: length, character set, check character). The
 * CreditCode scalar runs it on every input, so a lookup refuses a code that cannot exist as
 * registration does, instead of answering null as for a valid code nobody registered.
 */
export function creditCodeProblem(code: string): CreditCodeProblem | undefined {
  const check = validateCreditCode(code);
  if (check.ok) return undefined;
  const extensions = check.expectedCheck ? { expectedCheckCharacter: check.expectedCheck } : {};
  if (code.length === 18 && check.expectedCheck && CREDIT_CODE_CHARSET.includes(code[17]!)) {
    return { message: `Credit code ${code} has the wrong check character: expected ${check.expectedCheck}, not ${code[17]}.`, extensions };
  }
  const expected = check.expectedCheck ? `; its first 17 characters call for the check character ${check.expectedCheck}` : '';
  return { message: `Credit code ${code} is invalid: ${check.reason}${expected}.`, extensions };
}

/**
 * The credit code against GB 32100-2015 and the kind: required unless the organisation is only
 * filed, with the check character right and the first two characters matching the kind.
 */
export function checkCreditCode(code: string | null | undefined, kind: OrganizationKind, registrationAreaCode?: string): string | null {
  const field = 'input.creditCode';
  const prefix = CREDIT_CODE_PREFIX_BY_KIND[kind];
  if (prefix === null) {
    if (code) throw badInput(field, 'A filed community-level organisation (COMMUNITY_FILED) has no credit code.');
    return null;
  }
  if (!code) throw badInput(field, `A ${kind} needs its Unified Social Credit Code.`);
  const problem = creditCodeProblem(code);
  if (problem) throw badInput(field, problem.message, problem.extensions);
  if (!code.startsWith(prefix)) {
    throw badInput(field, `A ${kind}'s credit code starts with ${prefix}; ${code} starts with ${code.slice(0, 2)}.`);
  }
  // Civil affairs writes its own division code into the code's region part (characters 3–8):
  // a district-registered association carries the district's six digits. 100000 is the
  // Ministry's own (a national foundation), which no local area can contradict.
  const region = code.slice(2, 8);
  if (
    registrationAreaCode &&
    CIVIL_AFFAIRS_PREFIXES.has(prefix) &&
    region !== NATIONAL_REGION &&
    region !== registrationAreaCode.slice(0, 6)
  ) {
    throw badInput(
      field,
      `Credit code ${code} was issued in region ${region}, but the registration authority's area is ${registrationAreaCode.slice(0, 6)}.`,
    );
  }
  return code;
}

/** Kinds registered by civil affairs at the district, city or province level. */
const CIVIL_AFFAIRS_PREFIXES = new Set(['51', '52', '53']);
const NATIONAL_REGION = '100000';

function contactOf(contact: ContactInput | null | undefined, field: string) {
  if (contact === undefined) return {};
  return {
    contactPhone: contact?.phone ?? null,
    contactEmail: contact?.email ?? null,
    contactAddress: optionalText(contact?.address, `${field}.address`, MAX_TEXT, 'The address'),
  };
}

function incubationOf(incubation: IncubationInput | null | undefined, today: string) {
  if (incubation === undefined) return {};
  if (incubation === null) return { incubator: null, incubatedSince: null };
  return {
    incubator: requiredText(incubation.incubator, 'input.incubation.incubator', MAX_NAME, 'The incubator'),
    incubatedSince: notAfterToday(incubation.since, today, 'input.incubation.since'),
  };
}

function categoriesOf(categories: readonly ServiceCategory[] | null | undefined): ServiceCategory[] | undefined {
  return categories ? [...new Set(categories)] : undefined;
}

function serviceAreasOf(codes: readonly string[] | null | undefined): string[] | undefined {
  if (!codes) return undefined;
  const distinct = [...new Set(codes)].sort();
  if (distinct.length > MAX_SERVICE_AREAS) throw badInput('input.serviceAreaCodes', `At most ${MAX_SERVICE_AREAS} service areas.`);
  return distinct;
}

export function validateNewOrganization(input: RegisterOrganizationInput, today: string): NewOrganization {
  const name = requiredText(input.name, 'input.name', MAX_NAME, 'The name');
  const creditCode = checkCreditCode(input.creditCode, input.kind, input.registrationAreaCode);
  return {
    name,
    kind: input.kind,
    creditCode,
    registrationArea: input.registrationAreaCode,
    registrationDate: notAfterToday(input.registrationDate, today, 'input.registrationDate'),
    legalRepresentative: optionalText(input.legalRepresentative, 'input.legalRepresentative', MAX_PERSON, 'The legal representative'),
    contactPhone: null,
    contactEmail: null,
    contactAddress: null,
    ...contactOf(input.contact, 'input.contact'),
    categories: categoriesOf(input.categories) ?? [],
    serviceAreaCodes: serviceAreasOf(input.serviceAreaCodes) ?? [],
    staffCount: figure(input.staffCount, 'input.staffCount') ?? 0,
    volunteerCount: figure(input.volunteerCount, 'input.volunteerCount') ?? 0,
    incubator: null,
    incubatedSince: null,
    ...incubationOf(input.incubation, today),
  };
}

/** The changes a profile update asks for; at least one field must be given. */
export function validateProfileChanges(input: UpdateOrganizationProfileInput, today: string): ProfileChanges {
  const changes: ProfileChanges = {
    name: input.name === undefined || input.name === null ? undefined : requiredText(input.name, 'input.name', MAX_NAME, 'The name'),
    legalRepresentative: textChange(input.legalRepresentative, 'input.legalRepresentative', MAX_PERSON, 'The legal representative'),
    ...contactOf(input.contact, 'input.contact'),
    categories: categoriesOf(input.categories),
    serviceAreaCodes: serviceAreasOf(input.serviceAreaCodes),
    staffCount: figure(input.staffCount, 'input.staffCount'),
    volunteerCount: figure(input.volunteerCount, 'input.volunteerCount'),
    ...incubationOf(input.incubation, today),
  };
  const given = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined)) as ProfileChanges;
  if (Object.keys(given).length === 0) throw badInput('input', 'Give at least one field to change.');
  return given;
}

/** Registered particulars (登记事项): only the registering authority changes them. */
export function changesRegisteredParticulars(changes: ProfileChanges): boolean {
  return changes.name !== undefined || changes.legalRepresentative !== undefined;
}

export function validateReason(reason: string): string {
  return requiredText(reason, 'input.reason', MAX_REASON, 'The reason');
}

export function validateGrade(input: RecordEvaluationGradeInput, organization: OrganizationModel, today: string): GradeRecord {
  if (!GRADED_KINDS.includes(organization.kind)) {
    throw badInput(
      'input.organizationId',
      `Only social associations, social service agencies and foundations are graded; this is a ${organization.kind}.`,
    );
  }
  const awardedOn = notAfterToday(input.awardedOn, today, 'input.awardedOn');
  if (input.validUntil <= awardedOn) throw badInput('input.validUntil', 'The grade must be valid until after the day it was awarded.');
  const latest = addYears(awardedOn, MAX_GRADE_YEARS);
  if (input.validUntil > latest) {
    throw badInput('input.validUntil', `A grade is valid for at most ${MAX_GRADE_YEARS} years: until ${latest} at the latest.`);
  }
  return { grade: GRADE_VALUES[input.grade], awardedOn, validUntil: input.validUntil };
}

/** A report year: from the organisation's registration year to this year (also keeps SQL's smallint safe). */
export function checkReportYear(year: number, organization: OrganizationModel, today: string): number {
  const registered = Number(organization.registrationDate.slice(0, 4));
  const thisYear = Number(today.slice(0, 4));
  if (!Number.isInteger(year) || year < registered || year > thisYear) {
    throw badInput('input.year', `The report year must be from the registration year ${registered} to ${thisYear}.`);
  }
  return year;
}

export function validateReport(
  input: FileAnnualReportInput,
  organization: OrganizationModel,
  today: string,
): { year: number; figures: ReportFigures } {
  checkReportYear(input.year, organization, today);
  const figures = {
    totalIncome: parseYuan(input.totalIncome, 'input.totalIncome'),
    governmentPurchaseIncome: parseYuan(input.governmentPurchaseIncome, 'input.governmentPurchaseIncome'),
    expenditure: parseYuan(input.expenditure, 'input.expenditure'),
  };
  if (toFen(figures.governmentPurchaseIncome) > toFen(figures.totalIncome)) {
    throw badInput(
      'input.governmentPurchaseIncome',
      'Income from government-purchased services is part of the total income and cannot exceed it.',
    );
  }
  return { year: input.year, figures };
}

// --- Credit records (chinanpo): listings, removals, penalties, annual inspections -------------

/** A document number (文号) or an authority's name. */
const MAX_DOCUMENT = 100;

export function validateListing(input: RecordListingInput, today: string): NewListing {
  return {
    list: input.list,
    listedOn: notAfterToday(input.listedOn, today, 'input.listedOn'),
    reason: requiredText(input.reason, 'input.reason', MAX_REASON, 'The reason'),
    authority: requiredText(input.authority, 'input.authority', MAX_DOCUMENT, 'The authority'),
    documentNumber: requiredText(input.documentNumber, 'input.documentNumber', MAX_DOCUMENT, 'The document number'),
  };
}

/**
 * The removal's fields. The day must not be in the future nor before the listing
 * (REMOVAL_BEFORE_LISTING): removed on the day it was listed is allowed (a same-day correction).
 */
export function validateRemoval(input: RecordRemovalInput, entry: Pick<ListEntryModel, 'id' | 'listedOn'>, today: string): Removal {
  const removedOn = notAfterToday(input.removedOn, today, 'input.removedOn');
  if (removedOn < entry.listedOn) {
    throw ruleBroken(
      'REMOVAL_BEFORE_LISTING',
      `List entry ${entry.id} was listed on ${entry.listedOn}; it cannot be removed on ${removedOn}, before that.`,
      'input.removedOn',
    );
  }
  const reason = optionalText(input.reason, 'input.reason', MAX_REASON, 'The reason');
  return {
    removedOn,
    documentNumber: requiredText(input.documentNumber, 'input.documentNumber', MAX_DOCUMENT, 'The removal document number'),
    reason,
  };
}

export function validatePenalty(input: RecordPenaltyInput, today: string): NewPenalty {
  const decidedOn = notAfterToday(input.decidedOn, today, 'input.decidedOn');
  const inForceFrom = input.inForceFrom ?? decidedOn;
  if (inForceFrom < decidedOn)
    throw ruleBroken(
      'IN_FORCE_AFTER_DECISION',
      `A penalty is in force from its decision (${decidedOn}) at the earliest.`,
      'input.inForceFrom',
    );
  if (input.inForceUntil < inForceFrom)
    throw ruleBroken('IN_FORCE_PERIOD', `The penalty must be in force until ${inForceFrom} at least.`, 'input.inForceUntil');
  return {
    decidedOn,
    authority: requiredText(input.authority, 'input.authority', MAX_DOCUMENT, 'The authority'),
    documentNumber: requiredText(input.documentNumber, 'input.documentNumber', MAX_DOCUMENT, 'The document number'),
    kind: input.kind,
    penalty: requiredText(input.penalty, 'input.penalty', MAX_TEXT, 'The penalty'),
    reason: requiredText(input.reason, 'input.reason', MAX_REASON, 'The reason'),
    inForceFrom,
    inForceUntil: input.inForceUntil,
  };
}

/** A year's inspection: from the registration year to last year, concluded after the year ended and not after today. */
export function validateInspection(input: RecordAnnualInspectionInput, organization: OrganizationModel, today: string): NewInspection {
  const registered = Number(organization.registrationDate.slice(0, 4));
  const lastYear = Number(today.slice(0, 4)) - 1;
  if (!Number.isInteger(input.year) || input.year < registered || input.year > lastYear) {
    throw ruleBroken(
      'INSPECTION_YEAR',
      `The inspected year must be from the registration year ${registered} to ${lastYear}.`,
      'input.year',
    );
  }
  const concludedOn = notAfterToday(input.concludedOn, today, 'input.concludedOn');
  if (Number(concludedOn.slice(0, 4)) <= input.year) {
    throw ruleBroken(
      'INSPECTION_AFTER_YEAR',
      `The ${input.year} inspection concludes after ${input.year} has ended, not on ${concludedOn}.`,
      'input.concludedOn',
    );
  }
  return {
    year: input.year,
    result: input.result,
    concludedOn,
    authority: requiredText(input.authority, 'input.authority', MAX_DOCUMENT, 'The authority'),
  };
}
