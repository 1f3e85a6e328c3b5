import { levelOfCode, parentLevel, significantPrefix } from '../../../lib/kernel/auth';
import { badInput } from '../../../lib/kernel/errors';
import { requiredText, textChange } from '../../../lib/kernel/text';
import type { RegisterAreaInput, UpdateCommunityInput } from './generated/graphql';
import type { AreaModel, CommunityChanges, NewArea } from './models';

/** The registry's input rules, kept apart from GraphQL plumbing so they read as the domain. */

const MAX_NAME = 100;
const MAX_TEXT = 200;

function figure(value: number | null | undefined, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Number.isInteger(value) || value < 0) throw badInput(field, 'Figures must be whole numbers, zero or more.');
  return value;
}

/**
 * A new area must sit one rung below its parent, and its code must carry the parent's prefix
 * and the zero padding of its own level (a street 510108001000 under the district 510108000000).
 */
export function validateNewArea(input: RegisterAreaInput, parent: AreaModel | null): NewArea {
  const name = requiredText(input.name, 'input.name', MAX_NAME, 'The name');
  const codeLevel = levelOfCode(input.code);
  if (codeLevel !== input.level) {
    throw badInput('input.code', `${input.code} is padded as a ${codeLevel} code, not a ${input.level} code.`);
  }
  if (input.level === 'CITY') {
    if (input.parentCode) throw badInput('input.parentCode', 'A city has no parent in this registry.');
  } else {
    if (!input.parentCode) throw badInput('input.parentCode', `A ${input.level} needs its parent's code.`);
    if (!parent) throw badInput('input.parentCode', `No area ${input.parentCode} is registered.`);
    const expected = parentLevel(input.level);
    if (parent.level !== expected) {
      throw badInput('input.parentCode', `A ${input.level} belongs under a ${expected}, and ${parent.code} is a ${parent.level}.`);
    }
    const prefix = significantPrefix(parent.code);
    if (!input.code.startsWith(prefix)) {
      throw badInput('input.code', `${input.code} does not start with its parent's prefix ${prefix}.`);
    }
  }
  const households = figure(input.households, 'input.households');
  const population = figure(input.population, 'input.population');
  if (input.level !== 'COMMUNITY' && (households !== undefined || population !== undefined)) {
    throw badInput(households !== undefined ? 'input.households' : 'input.population', 'Only a community has households and population.');
  }
  checkFiguresAgree({ households, population }, { households, population });
  return {
    code: input.code,
    name,
    level: input.level,
    parentCode: input.parentCode ?? null,
    officialCode: input.officialCode ?? true,
    households,
    population,
  };
}

/**
 * Figures must agree with each other: every household has at least one member, so population
 * below households is a typo (5,566 households and a population of 1). Checked on the figures
 * as they will be stored, so an update is checked against the community's current figures.
 */
export function checkFiguresAgree(
  figures: { households: number | null | undefined; population: number | null | undefined },
  changed: { households?: number | null; population?: number | null },
): void {
  const { households, population } = figures;
  if (households == null || population == null || population >= households) return;
  const field = changed.population !== undefined ? 'input.population' : 'input.households';
  throw badInput(field, `A population of ${population} cannot be below ${households} households.`);
}

/** The changes an update asks for; at least one field must be given. */
export function validateCommunityChanges(input: UpdateCommunityInput): CommunityChanges {
  const changes: CommunityChanges = {
    households: figure(input.households, 'input.households'),
    population: figure(input.population, 'input.population'),
    committeeContact: textChange(input.committeeContact, 'input.committeeContact', MAX_TEXT, 'The contact'),
    committeePhone: input.committeePhone,
    serviceStationAddress: textChange(input.serviceStationAddress, 'input.serviceStationAddress', MAX_TEXT, 'The address'),
    serviceStationPhone: input.serviceStationPhone,
  };
  const given = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined)) as CommunityChanges;
  if (Object.keys(given).length === 0) throw badInput('input', 'Give at least one field to change.');
  return given;
}
