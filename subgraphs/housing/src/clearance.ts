import type { Defect } from './generated/graphql';
import type {
  ClearanceReasonModel,
  DevelopmentModel,
  InspectionModel,
  PremisesModel,
  SalesPermitClearanceModel,
  SignOffModel,
} from './models';
import { areaShortBy } from './rules';
import { ACCEPTED_STATES, MISSING_STEP } from './workflow';

const OFFICES = ['DISTRICT_CIVIL_AFFAIRS', 'STREET_OFFICER'] as const;

/** States in which a premises is held back by what an inspection found. */
export const REJECTION_STATES: readonly PremisesModel['state'][] = ['REJECTED', 'RECTIFIED'];

/**
 * The inspection whose findings hold the premises back: the latest that rejected it. A pending
 * re-inspection (no outcome yet) does not replace it: until one passes, the rejection stands.
 */
function latestRejection(inspections: InspectionModel[]): InspectionModel | null {
  return inspections.filter((i) => i.outcome === 'REJECTED').sort((a, b) => b.round - a.round)[0] ?? null;
}

/** The failed items as the authority reads them, with how far the area fell short. */
function findings(defects: Defect[], shortBy: string | null, plannedArea: string): string {
  return defects
    .map((d) => (d === 'AREA_SHORT' && shortBy ? `AREA_SHORT (${shortBy} m² short of the planned ${plannedArea})` : d))
    .join(', ');
}

function reasonFor(p: PremisesModel, signOffs: SignOffModel[], inspections: InspectionModel[]): ClearanceReasonModel {
  const missingStep = MISSING_STEP[p.state]!;
  const where = `Premises ${p.building} ${p.floor}F ${p.unit}`;
  const reason = { premisesId: p.id, state: p.state, missingStep, inspection: null, defects: [], areaShortBy: null };
  if (p.state === 'PLANNED') {
    const signed = signOffs.map((s) => s.role);
    const missing = OFFICES.filter((office) => !signed.includes(office));
    return { ...reason, message: `${where} is PLANNED; the plan still lacks the sign-off of ${missing.join(' and ')}.` };
  }
  const rejection = REJECTION_STATES.includes(p.state) ? latestRejection(inspections) : null;
  if (!rejection) return { ...reason, message: `${where} is ${p.state}; it still needs ${missingStep} before acceptance.` };
  const shortBy = rejection.defects.includes('AREA_SHORT') ? areaShortBy(rejection.plannedArea, rejection.measuredArea) : null;
  const found = `inspection round ${rejection.round} found ${findings(rejection.defects, shortBy, rejection.plannedArea)}`;
  const what = p.state === 'REJECTED' ? found : `the developer reports put right what ${found}`;
  return {
    ...reason,
    inspection: rejection,
    defects: rejection.defects,
    areaShortBy: shortBy,
    message: `${where} is ${p.state}: ${what}; it still needs ${missingStep} before acceptance.`,
  };
}

/**
 * May the development get its pre-sale permit? Only when it has premises planned and every one
 * of them passed its acceptance inspection (ACCEPTED, then HANDED_OVER and IN_USE): acceptance
 * clears, the title transfer is not awaited (DOMAIN.md, housing). Otherwise every premises short
 * of it is a reason naming the step it still lacks and, when an inspection rejected it, that
 * inspection and its failed items.
 */
export function clearanceOf(
  development: DevelopmentModel,
  premises: PremisesModel[],
  signOffs: (premisesId: string) => SignOffModel[],
  inspections: (premisesId: string) => InspectionModel[],
  checkedAt: Date,
): SalesPermitClearanceModel {
  const reasons: ClearanceReasonModel[] = [];
  if (premises.length === 0) {
    reasons.push({
      premisesId: null,
      state: null,
      missingStep: 'PLANNED',
      message: `${development.name} has no community premises planned.`,
      inspection: null,
      defects: [],
      areaShortBy: null,
    });
  }
  for (const p of premises) {
    if (!ACCEPTED_STATES.includes(p.state)) reasons.push(reasonFor(p, signOffs(p.id), inspections(p.id)));
  }
  return { development, status: reasons.length === 0 ? 'CLEARED' : 'BLOCKED', reasons, checkedAt };
}
