import type { DevelopmentModel, PremisesModel, SalesPermitClearanceModel, SignOffModel } from './models';
import { ACCEPTED_STATES, MISSING_STEP } from './workflow';

const OFFICES = ['DISTRICT_CIVIL_AFFAIRS', 'STREET_OFFICER'] as const;

/**
 * May the development get its pre-sale permit? Only when it has premises planned and every one
 * of them passed its acceptance inspection; otherwise every premises short of it is a reason,
 * naming the step it still lacks.
 */
export function clearanceOf(
  development: DevelopmentModel,
  premises: PremisesModel[],
  signOffs: (premisesId: string) => SignOffModel[],
  checkedAt: Date,
): SalesPermitClearanceModel {
  const reasons: SalesPermitClearanceModel['reasons'] = [];
  if (premises.length === 0) {
    reasons.push({ premisesId: null, state: null, missingStep: 'PLANNED', message: `${development.name} has no community premises planned.` });
  }
  for (const p of premises) {
    if (ACCEPTED_STATES.includes(p.state)) continue;
    const missingStep = MISSING_STEP[p.state]!;
    const where = `Premises ${p.building} ${p.floor}F ${p.unit}`;
    let message = `${where} is ${p.state}; it still needs ${missingStep} before acceptance.`;
    if (p.state === 'PLANNED') {
      const signed = signOffs(p.id).map((s) => s.role);
      const missing = OFFICES.filter((office) => !signed.includes(office));
      message = `${where} is PLANNED; the plan still lacks the sign-off of ${missing.join(' and ')}.`;
    }
    reasons.push({ premisesId: p.id, state: p.state, missingStep, message });
  }
  return { development, status: reasons.length === 0 ? 'CLEARED' : 'BLOCKED', reasons, checkedAt };
}
