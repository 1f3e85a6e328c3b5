import { levelOfCode, requireJurisdiction, type Viewer } from '../../../../lib/kernel/auth';
import { actorOf } from '../../../../lib/kernel/actor';
import { addDays, toDateColumn } from '../../../../lib/kernel/dates';
import { badInput, conflict, forbidden, invalidTransition, notFound } from '../../../../lib/kernel/errors';
import { requireUuid } from '../../../../lib/kernel/ids';
import { optionalText, requiredText } from '../../../../lib/kernel/text';
import { requireDeveloper, requireOffice, roleIn } from '../access';
import type { Context } from '../context';
import { registeredCommunity, registeredOrganization } from '../directory';
import type { MutationResolvers } from '../generated/graphql';
import type { DevelopmentModel, PremisesModel } from '../models';
import {
  area,
  buybackAmount,
  defectsOf,
  integerIn,
  MAX_ADDRESS,
  MAX_LABEL,
  MAX_LONG_TEXT,
  MAX_REFERENCE,
  MAX_SOURCE_DOCUMENT,
  MAX_TEXT,
  year,
  yuan,
} from '../rules';
import { buyback, handover, SIGNERS } from '../workflow';
import { requireVersion } from '../../../../lib/kernel/versions';

async function existingPremises(id: string, { loaders }: Context): Promise<{ premises: PremisesModel; development: DevelopmentModel }> {
  requireUuid(id, 'input.premisesId');
  const premises = await loaders.premises.load(id);
  if (!premises) throw notFound(`No premises ${id} (input.premisesId).`);
  return { premises, development: (await loaders.development.load(premises.developmentId))! };
}

function refreshed(context: Context, premises: PremisesModel): { premises: PremisesModel } {
  context.loaders.premises.clear(premises.id).prime(premises.id, premises);
  for (const loader of [context.loaders.signOffs, context.loaders.inspections, context.loaders.auditTrail]) loader.clear(premises.id);
  context.loaders.buyback.clear(premises.id);
  return { premises };
}

const version = requireVersion;

/** A day no later than today (a transfer or payment is recorded after it happened). */
function pastDay(day: string, today: string, field: string): string {
  if (day > today) throw badInput(field, `This cannot be after today (${today}).`);
  return day;
}

/** Acting for one of the two offices on a step of the handover: the role held and the jurisdiction. */
function officeStep(viewer: Viewer, communityCode: string, action: string, requestId: string) {
  const officer = requireJurisdiction(viewer, SIGNERS, communityCode, action);
  return actorOf(officer, requestId, roleIn(officer, SIGNERS));
}

export const Mutation: MutationResolvers = {
  registerDevelopment: async (_, { input }, { viewer, store, loaders, requestId }) => {
    const officer = requireJurisdiction(
      viewer,
      ['HOUSING_AUTHORITY', 'DISTRICT_CIVIL_AFFAIRS'],
      input.communityCode,
      'Registering a development',
    );
    if (levelOfCode(input.communityCode) !== 'COMMUNITY')
      throw badInput('input.communityCode', 'Developments lie in a community: give a 12-digit community code.');
    const developerId = requireUuid(input.developerId, 'input.developerId');
    const name = requiredText(input.name, 'input.name', MAX_TEXT, 'The name');
    const plannedHouseholds = integerIn(input.plannedHouseholds, 'input.plannedHouseholds', 1, 1_000_000);
    const landGrantDate = pastDay(input.landGrantDate, store.today(), 'input.landGrantDate');
    const developer = await registeredOrganization(loaders.peers, developerId, requestId);
    if (!developer) throw badInput('input.developerId', `No organisation ${developerId} is registered.`);
    if (developer.kind !== 'ENTERPRISE' || developer.status !== 'ACTIVE') {
      throw badInput('input.developerId', `A developer is an ACTIVE ENTERPRISE; ${developerId} is ${developer.status} ${developer.kind}.`);
    }
    if (!(await registeredCommunity(loaders.peers, input.communityCode, requestId)))
      throw badInput('input.communityCode', `No community ${input.communityCode} is registered.`);
    const development = await store.developments.register(
      {
        developerId,
        communityCode: input.communityCode,
        name,
        landGrantDate,
        plannedHouseholds,
        acquisition: landGrantDate < store.config.policyDate ? 'BUYBACK' : 'FREE_HANDOVER',
      },
      actorOf(officer, requestId, roleIn(officer, ['HOUSING_AUTHORITY', 'DISTRICT_CIVIL_AFFAIRS'])),
    );
    loaders.development.prime(development.id, development);
    return { development };
  },

  planPremises: async (_, { input }, context) => {
    const { viewer, store, loaders, requestId } = context;
    const id = requireUuid(input.developmentId, 'input.developmentId');
    const development = await loaders.development.load(id);
    if (!development) throw notFound(`No development ${id} (input.developmentId).`);
    const developer = requireDeveloper(viewer, development, 'Planning premises');
    const premises = await store.premises.plan(
      {
        developmentId: development.id,
        communityCode: development.communityCode,
        building: requiredText(input.building, 'input.building', MAX_LABEL, 'The building'),
        floor: integerIn(input.floor, 'input.floor', 1, 200),
        unit: requiredText(input.unit, 'input.unit', MAX_LABEL, 'The unit'),
        plannedArea: area(input.plannedArea, 'input.plannedArea'),
        purpose: requiredText(input.purpose, 'input.purpose', MAX_TEXT, 'The purpose'),
      },
      actorOf(developer, requestId, 'DEVELOPER'),
    );
    loaders.premisesOfDevelopment.clear(development.id);
    return refreshed(context, premises);
  },

  signPremisesPlan: async (_, { input }, context) => {
    const { viewer, store, requestId } = context;
    const { premises } = await existingPremises(input.premisesId, context);
    const officer = requireOffice(viewer, input.role, premises.communityCode, 'Signing a premises plan');
    const updated = await store.premises.signPlan(
      premises.id,
      version(input.expectedVersion),
      input.role,
      (current, signed) => {
        handover.check(viewer, current.state, 'PLAN_APPROVED', {});
        if (signed.includes(input.role))
          throw conflict(`${input.role} has already signed the plan of premises ${current.id}.`, { field: 'input.role' });
        const both = signed.length === 1;
        return { to: both ? 'PLAN_APPROVED' : 'PLANNED', action: 'SIGN_PLAN', detail: { role: input.role } };
      },
      actorOf(officer, requestId, input.role),
    );
    return refreshed(context, updated);
  },

  publishPremisesNotice: async (_, { input }, context) => {
    const { viewer, store, requestId } = context;
    const { premises } = await existingPremises(input.premisesId, context);
    const actor = officeStep(viewer, premises.communityCode, 'Publishing the notice', requestId);
    const today = store.today();
    const updated = await store.premises.step(
      premises.id,
      version(input.expectedVersion),
      (current) => {
        handover.check(viewer, current.state, 'PUBLICLY_NOTICED', {});
        const ends = addDays(today, store.config.noticeDays);
        return {
          to: 'PUBLICLY_NOTICED',
          action: 'PUBLISH_NOTICE',
          data: { noticeStartsOn: toDateColumn(today), noticeEndsOn: toDateColumn(ends) },
        };
      },
      actor,
    );
    return refreshed(context, updated);
  },

  startPremisesConstruction: async (_, { input }, context) => {
    const { viewer, store, requestId } = context;
    const { premises, development } = await existingPremises(input.premisesId, context);
    const developer = requireDeveloper(viewer, development, 'Starting construction');
    const today = store.today();
    const updated = await store.premises.step(
      premises.id,
      version(input.expectedVersion),
      (current) => {
        handover.check(viewer, current.state, 'UNDER_CONSTRUCTION', {});
        if (current.noticeEndsOn && today < current.noticeEndsOn) {
          throw invalidTransition(
            current.state,
            'UNDER_CONSTRUCTION',
            `The public notice runs until ${current.noticeEndsOn}; construction starts after it.`,
          );
        }
        return { to: 'UNDER_CONSTRUCTION', action: 'START_CONSTRUCTION' };
      },
      actorOf(developer, requestId, 'DEVELOPER'),
    );
    return refreshed(context, updated);
  },

  requestPremisesInspection: async (_, { input }, context) => {
    const { viewer, store, requestId } = context;
    const { premises, development } = await existingPremises(input.premisesId, context);
    const developer = requireDeveloper(viewer, development, 'Requesting the inspection');
    const updated = await store.premises.step(
      premises.id,
      version(input.expectedVersion),
      (current) => {
        handover.check(viewer, current.state, 'INSPECTION_REQUESTED', {});
        return { to: 'INSPECTION_REQUESTED', action: 'REQUEST_INSPECTION' };
      },
      actorOf(developer, requestId, 'DEVELOPER'),
    );
    return refreshed(context, updated);
  },

  inspectPremises: async (_, { input }, context) => {
    const { viewer, store, requestId } = context;
    const { premises } = await existingPremises(input.premisesId, context);
    const officer = requireOffice(viewer, input.role, premises.communityCode, 'Inspecting premises');
    const items = {
      measuredArea: area(input.measuredArea, 'input.measuredArea'),
      locationAsPlanned: input.locationAsPlanned,
      aboveGround: input.aboveGround,
      regularShape: input.regularShape,
      noPartitions: input.noPartitions,
      ownEntrance: input.ownEntrance,
      utilities: input.utilities,
    };
    const defects = defectsOf(items, premises.plannedArea, store.config);
    const outcome = defects.length > 0 ? 'REJECTED' : 'ACCEPTED';
    const updated = await store.inspections.record(
      premises.id,
      version(input.expectedVersion),
      input.role,
      { ...items, notes: optionalText(input.notes, 'input.notes', MAX_LONG_TEXT, 'The notes'), defects },
      (current, pending) => {
        handover.check(viewer, current.state, outcome, {});
        if (pending) throw conflict(`An inspection of premises ${current.id} awaits its countersignature.`);
        return { to: current.state, action: 'INSPECT', reason: defects.length > 0 ? defects.join(', ') : undefined };
      },
      actorOf(officer, requestId, input.role),
    );
    return refreshed(context, updated);
  },

  countersignInspection: async (_, { input }, context) => {
    const { viewer, store, requestId } = context;
    const { premises } = await existingPremises(input.premisesId, context);
    const officer = requireOffice(viewer, input.role, premises.communityCode, 'Countersigning an inspection');
    const updated = await store.inspections.countersign(
      premises.id,
      version(input.expectedVersion),
      input.role,
      (current, pending, signed) => {
        if (!pending)
          throw invalidTransition(current.state, 'ACCEPTED', `No inspection of premises ${current.id} awaits a countersignature.`);
        if (signed.includes(input.role)) throw forbidden(`${input.role} recorded this inspection; the other office countersigns it.`);
        const to = pending.defects.length > 0 ? 'REJECTED' : 'ACCEPTED';
        handover.check(viewer, current.state, to, {});
        return {
          to,
          action: 'COUNTERSIGN_INSPECTION',
          reason: pending.defects.length > 0 ? `Defects: ${pending.defects.join(', ')}` : undefined,
          data: to === 'ACCEPTED' ? { acceptedArea: pending.measuredArea } : {},
          detail: { round: pending.round, defects: pending.defects },
        };
      },
      actorOf(officer, requestId, input.role),
    );
    return refreshed(context, updated);
  },

  rectifyPremises: async (_, { input }, context) => {
    const { viewer, store, requestId } = context;
    const { premises, development } = await existingPremises(input.premisesId, context);
    const developer = requireDeveloper(viewer, development, 'Reporting a rectification');
    const description = requiredText(input.description, 'input.description', MAX_LONG_TEXT, 'The description');
    const updated = await store.premises.step(
      premises.id,
      version(input.expectedVersion),
      (current) => {
        handover.check(viewer, current.state, 'RECTIFIED', { description });
        return { to: 'RECTIFIED', action: 'RECTIFY', reason: description };
      },
      actorOf(developer, requestId, 'DEVELOPER'),
    );
    return refreshed(context, updated);
  },

  handOverPremises: async (_, { input }, context) => {
    const { viewer, store, requestId } = context;
    const { premises, development } = await existingPremises(input.premisesId, context);
    const officer = requireJurisdiction(viewer, ['DISTRICT_CIVIL_AFFAIRS'], premises.communityCode, 'Handing over premises');
    const certificate = requiredText(
      input.titleCertificateNumber,
      'input.titleCertificateNumber',
      MAX_REFERENCE,
      'The title certificate number',
    );
    const transferredOn = pastDay(input.transferredOn, store.today(), 'input.transferredOn');
    const updated = await store.premises.step(
      premises.id,
      version(input.expectedVersion),
      (current, bought) => {
        handover.check(viewer, current.state, 'HANDED_OVER', { titleCertificateNumber: certificate });
        if (development.acquisition === 'BUYBACK' && bought?.state !== 'PAID') {
          throw invalidTransition(
            current.state,
            'HANDED_OVER',
            `Premises ${current.id} are bought back: the buyback must be PAID first (it is ${bought?.state ?? 'not valued'}).`,
          );
        }
        return {
          to: 'HANDED_OVER',
          action: 'HAND_OVER',
          data: { titleCertificate: certificate, titleTransferredOn: toDateColumn(transferredOn) },
          detail: { titleCertificateNumber: certificate, transferredOn },
        };
      },
      actorOf(officer, requestId, 'DISTRICT_CIVIL_AFFAIRS'),
    );
    return refreshed(context, updated);
  },

  putPremisesInUse: async (_, { input }, context) => {
    const { viewer, store, requestId } = context;
    const { premises } = await existingPremises(input.premisesId, context);
    const actor = officeStep(viewer, premises.communityCode, 'Putting premises in use', requestId);
    const updated = await store.premises.step(
      premises.id,
      version(input.expectedVersion),
      (current) => {
        handover.check(viewer, current.state, 'IN_USE', {});
        return { to: 'IN_USE', action: 'PUT_IN_USE' };
      },
      actor,
    );
    return refreshed(context, updated);
  },

  publishReferencePrice: async (_, { input }, { viewer, store, requestId }) => {
    const admin = requireJurisdiction(viewer, ['CITY_ADMIN'], input.city, 'Publishing a reference price');
    if (levelOfCode(input.city) !== 'CITY')
      throw badInput('input.city', 'Reference prices are published per city: give a CITY-level code.');
    const referencePrice = await store.referencePrices.publish(
      {
        city: input.city,
        year: year(input.year, 'input.year'),
        priceType: input.priceType,
        zone: input.zone,
        unitPrice: yuan(input.unitPrice, 'input.unitPrice'),
        sourceDocument: requiredText(input.sourceDocument, 'input.sourceDocument', MAX_SOURCE_DOCUMENT, 'The source document'),
      },
      actorOf(admin, requestId, 'CITY_ADMIN'),
    );
    return { referencePrice };
  },

  valueBuyback: async (_, { input }, context) => {
    const { viewer, store, requestId } = context;
    const { premises, development } = await existingPremises(input.premisesId, context);
    const officer = requireJurisdiction(viewer, ['DISTRICT_CIVIL_AFFAIRS'], premises.communityCode, 'Valuing a buyback');
    const valuedOn = store.today();
    const defaultYear = Number(valuedOn.slice(0, 4)) - 1;
    const referenceYear =
      input.referenceYear === undefined || input.referenceYear === null ? defaultYear : year(input.referenceYear, 'input.referenceYear');
    const reason = optionalText(input.referenceYearReason, 'input.referenceYearReason', MAX_LONG_TEXT, 'The reason');
    if (referenceYear !== defaultYear && !reason) {
      throw badInput(
        'input.referenceYearReason',
        `The reference year is the year before the valuation (${defaultYear}); another year needs a reason.`,
      );
    }
    if (development.acquisition !== 'BUYBACK') {
      throw invalidTransition(
        'NOT_VALUED',
        'VALUED',
        `Development ${development.id}'s land was granted on or after the policy date: its premises are handed over free.`,
      );
    }
    const city = premises.communityCode.slice(0, 4).padEnd(12, '0');
    const price = await store.referencePrices.find(city, referenceYear, input.priceType, input.zone);
    if (!price) {
      throw badInput(
        'input.priceType',
        `No ${referenceYear} ${input.priceType} ${input.zone} reference price is published for ${city}; a buyback is valued only at a published price.`,
        {
          missing: { city, year: referenceYear, priceType: input.priceType, zone: input.zone },
        },
      );
    }
    const updated = await store.buybacks.step(
      premises.id,
      version(input.expectedVersion),
      (current, bought) => {
        buyback.check(viewer, bought?.state ?? 'NOT_VALUED', 'VALUED', {});
        if (!current.acceptedArea) {
          throw invalidTransition(
            'NOT_VALUED',
            'VALUED',
            `Premises ${current.id} are ${current.state}: a buyback is valued on the accepted measured area.`,
          );
        }
        return {
          state: 'VALUED',
          from: 'NOT_VALUED',
          action: 'VALUE_BUYBACK',
          reason: reason ?? undefined,
          data: {
            premisesId: current.id,
            priceType: input.priceType,
            zone: input.zone,
            referenceYear,
            referenceYearReason: reason,
            unitPrice: price.unitPrice,
            sourceDocument: price.sourceDocument,
            area: current.acceptedArea,
            amount: buybackAmount(current.acceptedArea, price.unitPrice),
            valuedOn: toDateColumn(valuedOn),
          },
        };
      },
      actorOf(officer, requestId, 'DISTRICT_CIVIL_AFFAIRS'),
    );
    return refreshed(context, updated);
  },

  approveBuyback: async (_, { input }, context) => {
    const { viewer, store, requestId } = context;
    const { premises } = await existingPremises(input.premisesId, context);
    const admin = requireJurisdiction(viewer, ['CITY_ADMIN'], premises.communityCode, 'Approving a buyback');
    const updated = await store.buybacks.step(
      premises.id,
      version(input.expectedVersion),
      (_current, bought) => {
        buyback.check(viewer, bought?.state ?? 'NOT_VALUED', 'APPROVED', {});
        return { state: 'APPROVED', from: bought!.state, action: 'APPROVE_BUYBACK', data: { approvedAt: new Date() } };
      },
      actorOf(admin, requestId, 'CITY_ADMIN'),
    );
    return refreshed(context, updated);
  },

  recordBuybackPayment: async (_, { input }, context) => {
    const { viewer, store, requestId } = context;
    const { premises } = await existingPremises(input.premisesId, context);
    const admin = requireJurisdiction(viewer, ['CITY_ADMIN'], premises.communityCode, 'Recording a buyback payment');
    const paymentReference = requiredText(input.paymentReference, 'input.paymentReference', MAX_REFERENCE, 'The payment reference');
    const paidOn = pastDay(input.paidOn, store.today(), 'input.paidOn');
    const updated = await store.buybacks.step(
      premises.id,
      version(input.expectedVersion),
      (_current, bought) => {
        buyback.check(viewer, bought?.state ?? 'NOT_VALUED', 'PAID', { paymentReference });
        return { state: 'PAID', from: bought!.state, action: 'PAY_BUYBACK', data: { paidOn: toDateColumn(paidOn), paymentReference } };
      },
      actorOf(admin, requestId, 'CITY_ADMIN'),
    );
    return refreshed(context, updated);
  },

  recordLease: async (_, { input }, { viewer, store, requestId }) => {
    const officer = requireJurisdiction(viewer, SIGNERS, input.communityCode, 'Recording a lease');
    if (levelOfCode(input.communityCode) !== 'COMMUNITY')
      throw badInput('input.communityCode', 'Leases are for a community: give a 12-digit community code.');
    if (input.endsOn < input.startsOn) throw badInput('input.endsOn', 'A lease ends on or after the day it starts.');
    const lease = await store.leases.record(
      {
        communityCode: input.communityCode,
        landlord: requiredText(input.landlord, 'input.landlord', MAX_TEXT, 'The landlord'),
        address: requiredText(input.address, 'input.address', MAX_ADDRESS, 'The address'),
        area: area(input.area, 'input.area'),
        monthlyRent: yuan(input.monthlyRent, 'input.monthlyRent'),
        startsOn: input.startsOn,
        endsOn: input.endsOn,
      },
      actorOf(officer, requestId, roleIn(officer, SIGNERS)),
    );
    return { lease };
  },
};
