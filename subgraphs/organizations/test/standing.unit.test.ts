import type { Role } from '../../../lib/kernel/auth';
import { viewer } from '../../../test/support/tokens';
import type { AnnualInspectionModel, ListEntryModel, OrganizationModel, PenaltyModel } from '../src/models';
import { validateInspection, validatePenalty, validateRemoval } from '../src/rules';
import { checkRemoval, listEntryWorkflow, listsOf, standingOn, stateOn } from '../src/standing';

/** The list entry's workflow, transition by transition, and standing judged day by day at every boundary. */

const authority = viewer({ roles: ['DISTRICT_CIVIL_AFFAIRS'], area: '510104000000' });
const STATES = ['LISTED', 'REMOVED'] as const;

function outcome(run: () => unknown): unknown {
  try {
    run();
    return 'allowed';
  } catch (error) {
    const extensions = (error as { extensions?: { code: string; rule?: string } }).extensions;
    return extensions?.rule ? `${extensions.code}/${extensions.rule}` : extensions?.code;
  }
}

function entry(overrides: Partial<ListEntryModel> = {}): ListEntryModel {
  return {
    id: 'entry-1',
    organizationId: 'org',
    list: 'ABNORMAL_ACTIVITY',
    listedOn: '2025-03-10',
    reason: '未按规定参加年检',
    authority: '成都市锦江区民政局',
    documentNumber: '锦民异〔2025〕3号',
    removedOn: null,
    removalDocumentNumber: null,
    removalReason: null,
    version: 1,
    viewedOn: '2025-03-10',
    ...overrides,
  };
}

describe('the list entry workflow', () => {
  test.each(STATES.flatMap((from) => STATES.map((to) => [from, to] as const)))('the authority: %s → %s', (from, to) => {
    const expected = from === 'LISTED' && to === 'REMOVED' ? 'allowed' : 'INVALID_TRANSITION';
    expect(outcome(() => listEntryWorkflow.check(authority, from, to, { documentNumber: '锦民移〔2025〕1号' }))).toBe(expected);
  });

  test('LISTED → REMOVED needs the removal document number, the authority, and a signed-in caller', () => {
    expect(outcome(() => listEntryWorkflow.check(authority, 'LISTED', 'REMOVED', { documentNumber: ' ' }))).toBe('BAD_USER_INPUT');
    for (const role of ['ORG_ADMIN', 'STREET_OFFICER', 'PROCUREMENT_OFFICER', 'RESIDENT'] as Role[]) {
      expect(
        outcome(() =>
          listEntryWorkflow.check(viewer({ roles: [role], area: '510104000000' }), 'LISTED', 'REMOVED', { documentNumber: 'x' }),
        ),
      ).toBe('FORBIDDEN');
    }
    expect(outcome(() => listEntryWorkflow.check({ anonymous: true }, 'LISTED', 'REMOVED', { documentNumber: 'x' }))).toBe(
      'UNAUTHENTICATED',
    );
    expect(listEntryWorkflow.next('REMOVED')).toEqual([]);
  });

  test('a removed entry is refused a second removal with the rule named', () => {
    expect(outcome(() => checkRemoval(authority, entry(), { documentNumber: 'x' }))).toBe('allowed');
    expect(outcome(() => checkRemoval(authority, entry({ removedOn: '2025-06-01' }), { documentNumber: 'x' }))).toBe(
      'INVALID_TRANSITION/LISTING_ALREADY_REMOVED',
    );
  });
});

describe('the day an entry applies', () => {
  const removed = entry({ removedOn: '2025-06-01' });
  test.each([
    ['2025-03-09', false],
    ['2025-03-10', true],
    ['2025-05-31', true],
    ['2025-06-01', false],
    ['2026-01-01', false],
  ])('listed 2025-03-10, removed 2025-06-01: on the list on %s is %s', (day, listed) => {
    expect(standingOn(new Date(), day, { entries: [removed], penalties: [], inspections: [] }).listings.length > 0).toBe(listed);
  });

  test('an entry never removed stays listed; its state is read for the day asked', () => {
    expect(standingOn(new Date(), '2030-01-01', { entries: [entry()], penalties: [], inspections: [] }).listings).toHaveLength(1);
    expect(stateOn(removed, '2025-05-31')).toBe('LISTED');
    expect(stateOn(removed, '2025-06-01')).toBe('REMOVED');
    const [shown] = standingOn(new Date(), '2025-04-01', { entries: [removed], penalties: [], inspections: [] }).listings;
    expect(shown!.viewedOn).toBe('2025-04-01');
  });

  test('lists come once each, in the enum order', () => {
    const entries = [
      entry({ id: 'b', list: 'SERIOUS_VIOLATION', listedOn: '2025-01-01' }),
      entry({ id: 'a', listedOn: '2025-02-01' }),
      entry({ id: 'c', listedOn: '2024-01-01', removedOn: '2024-02-01' }),
    ];
    const standing = standingOn(new Date(), '2025-03-01', { entries, penalties: [], inspections: [] });
    expect(standing.listings.map((e) => e.id)).toEqual(['b', 'a']);
    expect(listsOf(standing)).toEqual(['ABNORMAL_ACTIVITY', 'SERIOUS_VIOLATION']);
  });
});

describe('penalties and inspections by day', () => {
  const penalty: PenaltyModel = {
    id: 'p',
    organizationId: 'org',
    decidedOn: '2024-05-01',
    authority: '成都市锦江区民政局',
    documentNumber: '锦民罚〔2024〕2号',
    kind: 'FINE',
    penalty: '罚款人民币5000元',
    reason: '违规收费',
    inForceFrom: '2024-05-10',
    inForceUntil: '2025-05-09',
  };
  test.each([
    ['2024-05-09', false],
    ['2024-05-10', true],
    ['2025-05-09', true],
    ['2025-05-10', false],
  ])('a penalty in force 2024-05-10 to 2025-05-09 is in force on %s: %s', (day, inForce) => {
    expect(standingOn(new Date(), day, { entries: [], penalties: [penalty], inspections: [] }).penaltiesInForce).toHaveLength(
      inForce ? 1 : 0,
    );
  });

  test('the latest inspection is the latest year concluded by the day', () => {
    const inspection = (year: number, concludedOn: string): AnnualInspectionModel => ({
      organizationId: 'org',
      year,
      result: 'QUALIFIED',
      concludedOn,
      authority: 'x',
      version: 1,
    });
    const inspections = [inspection(2023, '2024-05-01'), inspection(2024, '2025-05-01')];
    expect(standingOn(new Date(), '2024-04-30', { entries: [], penalties: [], inspections }).latestInspection).toBeNull();
    expect(standingOn(new Date(), '2025-04-30', { entries: [], penalties: [], inspections }).latestInspection?.year).toBe(2023);
    expect(standingOn(new Date(), '2025-05-01', { entries: [], penalties: [], inspections }).latestInspection?.year).toBe(2024);
  });
});

describe('the records’ input rules', () => {
  const today = '2025-08-01';
  const removal = (removedOn: string) => ({ entryId: 'entry-1', expectedVersion: 1, removedOn, documentNumber: '锦民移〔2025〕1号' });

  test('a removal on the listing day or later is allowed; before it, or in the future, is refused by name', () => {
    expect(validateRemoval(removal('2025-03-10'), entry(), today).removedOn).toBe('2025-03-10');
    expect(outcome(() => validateRemoval(removal('2025-03-09'), entry(), today))).toBe('BAD_USER_INPUT/REMOVAL_BEFORE_LISTING');
    expect(outcome(() => validateRemoval(removal('2025-08-02'), entry(), today))).toBe('BAD_USER_INPUT/DATE_NOT_IN_FUTURE');
    expect(outcome(() => validateRemoval({ ...removal('2025-04-01'), documentNumber: ' ' }, entry(), today))).toBe(
      'BAD_USER_INPUT/REQUIRED_TEXT',
    );
  });

  test('a penalty is in force from its decision at the earliest, until a day not before that', () => {
    const input = {
      organizationId: 'org',
      decidedOn: '2025-05-01',
      authority: '成都市锦江区民政局',
      documentNumber: '锦民罚〔2025〕1号',
      kind: 'WARNING' as const,
      penalty: '警告',
      reason: '未按规定报送年度报告',
      inForceUntil: '2025-05-01',
    };
    expect(validatePenalty(input, today).inForceFrom).toBe('2025-05-01');
    expect(outcome(() => validatePenalty({ ...input, inForceFrom: '2025-04-30' }, today))).toBe('BAD_USER_INPUT/IN_FORCE_AFTER_DECISION');
    expect(outcome(() => validatePenalty({ ...input, inForceUntil: '2025-04-30' }, today))).toBe('BAD_USER_INPUT/IN_FORCE_PERIOD');
    expect(outcome(() => validatePenalty({ ...input, decidedOn: '2025-08-02', inForceUntil: '2025-09-01' }, today))).toBe(
      'BAD_USER_INPUT/DATE_NOT_IN_FUTURE',
    );
  });

  test('an inspection covers a year from registration to last year and concludes after it', () => {
    const organization = { registrationDate: '2020-03-01' } as OrganizationModel;
    const input = {
      organizationId: 'org',
      year: 2024,
      result: 'QUALIFIED' as const,
      concludedOn: '2025-01-01',
      authority: '成都市锦江区民政局',
    };
    expect(validateInspection(input, organization, today).year).toBe(2024);
    expect(outcome(() => validateInspection({ ...input, year: 2019 }, organization, today))).toBe('BAD_USER_INPUT/INSPECTION_YEAR');
    expect(outcome(() => validateInspection({ ...input, year: 2025 }, organization, today))).toBe('BAD_USER_INPUT/INSPECTION_YEAR');
    expect(outcome(() => validateInspection({ ...input, concludedOn: '2024-12-31' }, organization, today))).toBe(
      'BAD_USER_INPUT/INSPECTION_AFTER_YEAR',
    );
  });
});
