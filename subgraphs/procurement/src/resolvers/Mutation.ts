import { actorOf } from '../../../../lib/kernel/actor';
import { covers, requireRole, requireSignedIn } from '../../../../lib/kernel/auth';
import { addDays, todayIn } from '../../../../lib/kernel/dates';
import { badInput, conflict, forbidden, notFound, ruleBroken } from '../../../../lib/kernel/errors';
import { requireUuid } from '../../../../lib/kernel/ids';
import { toFen } from '../../../../lib/kernel/money';
import { optionalText, requiredText } from '../../../../lib/kernel/text';
import { requireVersion } from '../../../../lib/kernel/versions';
import { actsFor, requireActsFor, requirePurchaser } from '../access';
import type { Context } from '../context';
import type { MutationResolvers } from '../generated/graphql';
import type { TenderModel } from '../models';
import type { RegistryListing, RegistryOrganization } from '../registry';
import {
  addWorkingDays,
  byPrice,
  byScore,
  calendarDate,
  checkEligibility,
  checkOpen,
  gradeNumber,
  list,
  MAX_CODE,
  MAX_NAME,
  MAX_TEXT,
  MIN_INVITED,
  MIN_QUALIFIED_BIDS,
  OBJECTION_WORKING_DAYS,
  OPEN_TENDER_MIN_DAYS,
  positiveYuan,
  score,
  SIGN_WITHIN_DAYS,
  term,
  year,
} from '../rules';
import { contractWorkflow, tenderWorkflow } from '../workflow';

const DAY_MS = 86_400_000;

function today(context: Context): string {
  return todayIn(context.loaders.settings.timeZone);
}

async function fromRegistry(context: Context, id: string, field: string): Promise<RegistryOrganization> {
  const organization = await context.loaders.registry.organizations.load(id);
  if (!organization) throw badInput(field, `No organisation ${id} is in the registry.`);
  return organization;
}

async function existingTender(context: Context, id: string, field: string): Promise<TenderModel> {
  const tender = await context.loaders.tender.load(requireUuid(id, field));
  if (!tender) throw notFound(`No tender ${id}.`);
  return tender;
}

/** How a listing is named in a refusal: the list, since when, by whose decision. */
function describeListing(listing: RegistryListing): string {
  return `the ${listing.list} list since ${listing.listedOn} (${listing.authority}, ${listing.documentNumber}; entry ${listing.id})`;
}

/**
 * A body on the abnormal-activity or the serious violation and dishonesty list at the instant of
 * its bid may not bid (BIDDER_NOT_LISTED), as the registry's dated records have it then.
 */
async function checkNotListed(context: Context, organization: RegistryOrganization, at: Date): Promise<void> {
  const [listing] = (await context.loaders.registry.listings.load({ id: organization.id, asOf: at })) ?? [];
  if (listing) throw ruleBroken('BIDDER_NOT_LISTED', `${organization.name} is on ${describeListing(listing)}; a listed body may not bid.`);
}

export const Mutation: MutationResolvers = {
  addCatalogueItem: async (_, { input }, context) => {
    const admin = requireRole(context.viewer, ['CITY_ADMIN'], 'Adding to the guiding catalogue');
    if (!/^[A-Z][0-9A-Z.-]{1,31}$/.test(input.code))
      throw badInput('input.code', 'A catalogue code is a capital letter then up to 31 of A–Z, 0–9, dot or hyphen, e.g. A05.01.');
    const name = requiredText(input.name, 'input.name', MAX_NAME, 'The name');
    const item = await context.store.budgetLines.addCatalogueItem(
      { code: input.code, name, category: input.category },
      actorOf(admin, context.requestId),
    );
    return { item };
  },

  createBudgetLine: async (_, { input }, context) => {
    const area = input.areaCode;
    const officer = requirePurchaser(context.viewer, area, 'Creating a budget line');
    const agencyId = requireUuid(input.agencyId, 'input.agencyId');
    const agency = await fromRegistry(context, agencyId, 'input.agencyId');
    if (agency.kind !== 'GOVERNMENT_AGENCY')
      throw ruleBroken('PURCHASER_IS_AGENCY', `${agency.name} is not a government agency.`, 'input.agencyId');
    const budgetLine = await context.store.budgetLines.create(
      {
        agencyId,
        areaCode: area,
        year: year(input.year, 'input.year'),
        name: requiredText(input.name, 'input.name', MAX_NAME, 'The name'),
        amount: positiveYuan(input.amount, 'input.amount'),
      },
      actorOf(officer, context.requestId),
    );
    return { budgetLine };
  },

  createProject: async (_, { input }, context) => {
    const area = input.areaCode;
    const officer = requirePurchaser(context.viewer, area, 'Creating a purchase project');
    if (input.kind !== 'SERVICES') {
      throw ruleBroken(
        'SERVICES_ONLY',
        `${input.kind} may not be bought as government purchase of services (goods, works, financing and own staffing are excluded).`,
        'input.kind',
      );
    }
    const communityCodes = [...new Set(list(input.communityCodes ?? [], 'input.communityCodes'))];
    for (const code of communityCodes) {
      if (!covers(area, code)) {
        throw badInput('input.communityCodes', `Community ${code} lies outside the project's area ${area}.`);
      }
    }
    const targets = list(input.targets, 'input.targets', 1).map((target, i) => ({
      indicator: requiredText(target.indicator, `input.targets.${i}.indicator`, MAX_NAME, 'The indicator'),
      targetValue: requiredText(target.targetValue, `input.targets.${i}.targetValue`, MAX_NAME, 'The target value'),
    }));
    const { months, justification } = term(input.termMonths, input.termJustification);
    const purchaserId = requireUuid(input.purchaserId, 'input.purchaserId');
    const budgetLineId = requireUuid(input.budgetLineId, 'input.budgetLineId');
    const budget = positiveYuan(input.budget, 'input.budget');
    const title = requiredText(input.title, 'input.title', MAX_NAME, 'The title');
    const serviceContent = requiredText(input.serviceContent, 'input.serviceContent', MAX_TEXT, 'The service content');
    const catalogueCode = requiredText(input.catalogueCode, 'input.catalogueCode', MAX_CODE, 'The catalogue code');
    const purchaser = await fromRegistry(context, purchaserId, 'input.purchaserId');
    if (purchaser.kind !== 'GOVERNMENT_AGENCY')
      throw ruleBroken('PURCHASER_IS_AGENCY', `${purchaser.name} is not a government agency.`, 'input.purchaserId');
    const project = await context.store.projects.create(
      {
        title,
        purchaser: { id: purchaser.id, name: purchaser.name, creditCode: purchaser.creditCode },
        areaCode: area,
        communityCodes,
        catalogueCode,
        budgetLineId,
        serviceContent,
        budget,
        termMonths: months,
        termJustification: justification,
        targets,
      },
      actorOf(officer, context.requestId),
    );
    return { project };
  },

  publishTender: async (_, { input }, context) => {
    const projectId = requireUuid(input.projectId, 'input.projectId');
    const project = await context.loaders.project.load(projectId);
    if (!project) throw notFound(`No project ${projectId}.`);
    const officer = requirePurchaser(context.viewer, project.areaCode, 'Publishing a tender');
    const opensAt = input.opensAt;
    const closesAt = input.closesAt;
    if (!(closesAt > opensAt)) throw badInput('input.closesAt', 'The tender must close after it opens.');
    if (closesAt.getTime() - Date.now() > 366 * DAY_MS) throw badInput('input.closesAt', 'A tender closes within a year.');
    if (input.method === 'OPEN' && closesAt.getTime() - Math.max(opensAt.getTime(), Date.now()) < OPEN_TENDER_MIN_DAYS * DAY_MS) {
      throw ruleBroken('OPEN_TENDER_20_DAYS', `An open tender stays open at least ${OPEN_TENDER_MIN_DAYS} days.`, 'input.closesAt');
    }
    const eligibleKinds = [...new Set(list(input.eligibleKinds, 'input.eligibleKinds', 1, 7))];
    if (eligibleKinds.includes('GOVERNMENT_AGENCY')) {
      throw ruleBroken('NO_OWN_STAFFING', 'Government agencies cannot undertake purchased services.', 'input.eligibleKinds');
    }
    const invitedIds = [
      ...new Set(list(input.invitedSupplierIds ?? [], 'input.invitedSupplierIds').map((id) => requireUuid(id, 'input.invitedSupplierIds'))),
    ];
    if (input.method === 'INVITED' && invitedIds.length < MIN_INVITED) {
      throw ruleBroken('INVITE_AT_LEAST_3', `An invited tender invites at least ${MIN_INVITED} suppliers.`, 'input.invitedSupplierIds');
    }
    if (input.method === 'SINGLE_SOURCE' && invitedIds.length !== 1) {
      throw ruleBroken('SINGLE_SOURCE_ONE_SUPPLIER', 'A single-source purchase names exactly one supplier.', 'input.invitedSupplierIds');
    }
    if (input.method === 'OPEN' && invitedIds.length > 0) {
      throw badInput('input.invitedSupplierIds', 'An open tender invites nobody in particular.');
    }
    const methodChangeReason = optionalText(input.methodChangeReason, 'input.methodChangeReason', MAX_TEXT, 'The reason for the change');
    const tender = await context.store.tenders.publish(
      {
        projectId,
        method: input.method,
        methodChangeReason,
        awardCriteria: input.awardCriteria,
        eligibleKinds,
        minGrade: input.minGrade ? gradeNumber(input.minGrade) : undefined,
        invitedIds,
        opensAt,
        closesAt,
      },
      actorOf(officer, context.requestId),
      (_project, previous) => {
        const last = previous.at(-1);
        // After a failed tender the project is re-tendered the same way, or changes method with a recorded reason.
        if (last?.status === 'UNSUCCESSFUL' && last.method !== input.method && !methodChangeReason) {
          throw ruleBroken(
            'METHOD_CHANGE_RECORDED',
            `The previous ${last.method} tender failed; changing the method needs a recorded reason.`,
            'input.methodChangeReason',
          );
        }
      },
    );
    return { tender };
  },

  submitBid: async (_, { input }, context) => {
    const viewer = requireActsFor(context.viewer, 'ORG_ADMIN', 'Bidding');
    const tender = await existingTender(context, input.tenderId, 'input.tenderId');
    const price = positiveYuan(input.price, 'input.price');
    const proposal = requiredText(input.proposal, 'input.proposal', MAX_TEXT, 'The proposal');
    const at = new Date();
    checkOpen(tender, at);
    const project = (await context.loaders.project.load(tender.projectId))!;
    const organization = await fromRegistry(context, viewer.org, 'org');
    checkEligibility(organization, { ...tender, category: project.category, purchaserId: project.purchaserId });
    await checkNotListed(context, organization, at);
    const bid = await context.store.bids.submit(
      tender.id,
      { id: organization.id, name: organization.name, creditCode: organization.creditCode },
      price,
      proposal,
      actorOf(viewer, context.requestId),
      (fresh) => checkOpen(fresh, new Date()),
    );
    return { bid };
  },

  withdrawBid: async (_, { input }, context) => {
    const bidder = requireActsFor(context.viewer, 'ORG_ADMIN', 'Withdrawing a bid');
    const bidId = requireUuid(input.bidId, 'input.bidId');
    const bid = await context.store.bids.withdraw(bidId, actorOf(bidder, context.requestId), (found, tender) => {
      if (!actsFor(context.viewer, found.organizationId)) throw forbidden('Only the bidder withdraws its bid.');
      if (found.withdrawnAt) throw conflict(`Bid ${bidId} is already withdrawn.`);
      checkOpen(tender, new Date());
    });
    return { bid };
  },

  evaluateTender: async (_, { input }, context) => {
    const tender = await existingTender(context, input.tenderId, 'input.tenderId');
    const officer = requirePurchaser(context.viewer, tender.areaCode, 'Evaluating a tender');
    const scores = new Map<string, { qualified: boolean; score: number | undefined }>();
    list(input.scores, 'input.scores', 0, 200).forEach((entry, i) => {
      const id = requireUuid(entry.bidId, `input.scores.${i}.bidId`);
      if (scores.has(id)) throw badInput(`input.scores.${i}.bidId`, `Bid ${id} is scored twice.`);
      const value = entry.score === null || entry.score === undefined ? undefined : score(entry.score, `input.scores.${i}.score`);
      if (tender.awardCriteria === 'RATED' && entry.qualified && value === undefined) {
        throw badInput(`input.scores.${i}.score`, 'A rated tender scores every qualified bid.');
      }
      scores.set(id, { qualified: entry.qualified, score: value });
    });
    // Standing again as of the award: a bidder listed since its bid is refused the award
    // (BIDDER_LISTED_AT_AWARD), its bid disqualified, and the award goes down the ranking.
    const awardAt = new Date();
    const candidates = (await context.loaders.tenderBids.load(tender.id)).filter(
      (bid) => !bid.withdrawnAt && scores.get(bid.id)?.qualified,
    );
    const standings = await Promise.all(
      candidates.map((bid) => context.loaders.registry.listings.load({ id: bid.organizationId, asOf: awardAt })),
    );
    const refusals = candidates.flatMap((bid, i) => {
      const [listing] = standings[i] ?? [];
      return listing ? [{ bid, rule: 'BIDDER_LISTED_AT_AWARD', listing }] : [];
    });
    for (const { bid } of refusals) scores.set(bid.id, { ...scores.get(bid.id)!, qualified: false });
    const { holidays } = context.loaders.settings;
    const noticeDate = today(context);
    const updated = await context.store.tenders.evaluate(
      tender.id,
      requireVersion(input.expectedVersion),
      scores,
      actorOf(officer, context.requestId),
      (fresh, bids) => {
        if (new Date() < fresh.closesAt)
          throw ruleBroken('AFTER_DEADLINE', `Tender ${fresh.id} is evaluated after it closes at ${fresh.closesAt.toISOString()}.`);
        const qualified = bids.filter((bid) => bid.qualified);
        const to =
          qualified.length === 0 || (fresh.method === 'OPEN' && qualified.length < MIN_QUALIFIED_BIDS) ? 'UNSUCCESSFUL' : 'AWARDED';
        tenderWorkflow.check(context.viewer, fresh.status, to, {});
        if (to === 'UNSUCCESSFUL') return null;
        const winner = [...qualified].sort(fresh.awardCriteria === 'RATED' ? byScore : byPrice)[0]!;
        return { winner, noticeDate, objectionDeadline: addWorkingDays(noticeDate, OBJECTION_WORKING_DAYS, holidays) };
      },
    );
    // The bids were read before the evaluation was written: the payload reads them afresh.
    context.loaders.tenderBids.clear(tender.id);
    return {
      tender: updated,
      refusals: refusals.map(({ bid, rule, listing }) => ({
        bid,
        rule,
        message: `${bid.organizationName} is on ${describeListing(listing)} at the award.`,
        listing,
      })),
    };
  },

  cancelTender: async (_, { input }, context) => {
    const tender = await existingTender(context, input.tenderId, 'input.tenderId');
    const officer = requirePurchaser(context.viewer, tender.areaCode, 'Cancelling a tender');
    const reason = requiredText(input.reason, 'input.reason', MAX_TEXT, 'The reason');
    const updated = await context.store.tenders.cancel(
      tender.id,
      reason,
      actorOf(officer, context.requestId),
      (fresh) => void tenderWorkflow.check(context.viewer, fresh.status, 'CANCELLED', { reason }),
    );
    return { tender: updated };
  },

  fileObjection: async (_, { input }, context) => {
    const viewer = requireActsFor(context.viewer, 'ORG_ADMIN', 'Objecting to an award');
    const tender = await existingTender(context, input.tenderId, 'input.tenderId');
    const reason = requiredText(input.reason, 'input.reason', MAX_TEXT, 'The reason');
    const day = today(context);
    const objection = await context.store.tenders.fileObjection(
      tender.id,
      viewer.org,
      reason,
      actorOf(viewer, context.requestId),
      (fresh, bids) => {
        if (bids.length === 0) throw forbidden('Only organisations that bid on the tender may object to its award.');
        if (fresh.status !== 'AWARDED')
          throw ruleBroken('OBJECT_TO_AN_AWARD', `Tender ${fresh.id} is ${fresh.status}; objections are against an award.`);
        if (day > fresh.objectionDeadline!) {
          throw ruleBroken(
            'OBJECTION_WITHIN_7_WORKING_DAYS',
            `Objections closed on ${fresh.objectionDeadline} (7 working days after the notice of ${fresh.awardNoticeDate}).`,
          );
        }
      },
    );
    return { objection };
  },

  createContract: async (_, { input }, context) => {
    const tender = await existingTender(context, input.tenderId, 'input.tenderId');
    const officer = requirePurchaser(context.viewer, tender.areaCode, 'Creating a contract');
    const value = positiveYuan(input.value, 'input.value');
    const startsOn = calendarDate(input.startsOn, 'input.startsOn');
    const endsOn = calendarDate(input.endsOn, 'input.endsOn');
    if (endsOn <= startsOn) throw badInput('input.endsOn', 'A contract ends after it starts.');
    const project = (await context.loaders.project.load(tender.projectId))!;
    if (endsOn > addDays(startsOn, Math.ceil(project.termMonths * 31))) {
      throw ruleBroken('TERM_AS_PLANNED', `The project's term is ${project.termMonths} months.`, 'input.endsOn');
    }
    const milestones = list(input.milestones, 'input.milestones', 1).map((m, i) => ({
      title: requiredText(m.title, `input.milestones.${i}.title`, MAX_NAME, 'The title'),
      deliverable: requiredText(m.deliverable, `input.milestones.${i}.deliverable`, MAX_TEXT, 'The deliverable'),
      dueOn: calendarDate(m.dueOn, `input.milestones.${i}.dueOn`),
    }));
    const contract = await context.store.contracts.create(
      tender.id,
      { value, startsOn, endsOn, milestones },
      actorOf(officer, context.requestId),
      (fresh) => {
        if (fresh.status !== 'AWARDED')
          throw ruleBroken('CONTRACT_AFTER_AWARD', `Tender ${fresh.id} is ${fresh.status}; a contract follows an award.`);
        if (toFen(value) > toFen(fresh.awardAmount!)) {
          throw ruleBroken('VALUE_NOT_ABOVE_AWARD', `The contract value ${value} is above the award ${fresh.awardAmount}.`, 'input.value');
        }
      },
    );
    return { contract };
  },

  changeContractStatus: async (_, { input }, context) => {
    const contractId = requireUuid(input.contractId, 'input.contractId');
    const current = await context.loaders.contract.load(contractId);
    if (!current) throw notFound(`No contract ${contractId}.`);
    const officer = requirePurchaser(context.viewer, current.areaCode, 'Changing a contract');
    const reason = optionalText(input.reason, 'input.reason', MAX_TEXT, 'The reason');
    const day = today(context);
    const contract = await context.store.contracts.changeStatus(
      contractId,
      input.to,
      requireVersion(input.expectedVersion),
      reason,
      day,
      actorOf(officer, context.requestId),
      (fresh, tender) => {
        contractWorkflow.check(context.viewer, fresh.status, input.to, { reason });
        if (input.to === 'ACTIVE' && day > addDays(tender.awardNoticeDate!, SIGN_WITHIN_DAYS)) {
          throw ruleBroken(
            'SIGN_WITHIN_30_DAYS',
            `The contract had to be signed by ${addDays(tender.awardNoticeDate!, SIGN_WITHIN_DAYS)}, 30 days after the award notice.`,
          );
        }
      },
    );
    return { contract };
  },

  completeMilestone: async (_, { input }, context) => {
    const milestoneId = requireUuid(input.milestoneId, 'input.milestoneId');
    const completedOn = calendarDate(input.completedOn, 'input.completedOn');
    if (completedOn > today(context)) throw badInput('input.completedOn', 'A milestone cannot be completed in the future.');
    const milestone = await context.store.milestones.complete(
      milestoneId,
      completedOn,
      actorOf(requireSignedIn(context.viewer), context.requestId),
      (contract) => {
        requirePurchaser(context.viewer, contract.areaCode, 'Accepting a milestone');
        if (contract.status !== 'ACTIVE') throw ruleBroken('CONTRACT_ACTIVE', `Contract ${contract.id} is ${contract.status}.`);
      },
    );
    return { milestone };
  },

  recordPayment: async (_, { input }, context) => {
    const contractId = requireUuid(input.contractId, 'input.contractId');
    const amount = positiveYuan(input.amount, 'input.amount');
    const paidOn = calendarDate(input.paidOn, 'input.paidOn');
    const milestoneId = input.milestoneId ? requireUuid(input.milestoneId, 'input.milestoneId') : undefined;
    const result = await context.store.payments.record(
      contractId,
      { amount, paidOn, milestoneId },
      actorOf(requireSignedIn(context.viewer), context.requestId),
      (contract, milestone) => {
        requirePurchaser(context.viewer, contract.areaCode, 'Recording a payment');
        if (milestoneId && milestone?.contractId !== contract.id)
          throw badInput('input.milestoneId', 'The milestone belongs to another contract.');
      },
    );
    return result;
  },

  addSupplementaryAgreement: async (_, { input }, context) => {
    const contractId = requireUuid(input.contractId, 'input.contractId');
    const amount = positiveYuan(input.amount, 'input.amount');
    const reason = requiredText(input.reason, 'input.reason', MAX_TEXT, 'The reason');
    return context.store.payments.addSupplement(
      contractId,
      amount,
      reason,
      today(context),
      actorOf(requireSignedIn(context.viewer), context.requestId),
      (contract) => void requirePurchaser(context.viewer, contract.areaCode, 'Adding a supplementary agreement'),
    );
  },

  assignEvaluation: async (_, { input }, context) => {
    const contractId = requireUuid(input.contractId, 'input.contractId');
    const contract = await context.loaders.contract.load(contractId);
    if (!contract) throw notFound(`No contract ${contractId}.`);
    const officer = requirePurchaser(context.viewer, contract.areaCode, 'Assigning an evaluation');
    if (contract.status !== 'ACTIVE' && contract.status !== 'COMPLETED') {
      throw ruleBroken('EVALUATE_SIGNED_CONTRACTS', `Contract ${contract.id} is ${contract.status}; signed contracts are evaluated.`);
    }
    const evaluatorId = requireUuid(input.evaluatorId, 'input.evaluatorId');
    if (evaluatorId === contract.supplierId || evaluatorId === contract.purchaserId) {
      throw ruleBroken(
        'THIRD_PARTY_EVALUATOR',
        'The evaluator is a third party: neither the supplier nor the purchaser.',
        'input.evaluatorId',
      );
    }
    const evaluator = await fromRegistry(context, evaluatorId, 'input.evaluatorId');
    if (evaluator.status !== 'ACTIVE')
      throw ruleBroken('EVALUATOR_ACTIVE', `${evaluator.name} is ${evaluator.status} in the registry.`, 'input.evaluatorId');
    const evaluation = await context.store.evaluations.assign(
      contract,
      { id: evaluator.id, name: evaluator.name, creditCode: evaluator.creditCode },
      actorOf(officer, context.requestId),
    );
    return { evaluation };
  },

  submitEvaluation: async (_, { input }, context) => {
    const viewer = requireActsFor(context.viewer, 'EVALUATOR', 'Submitting an evaluation');
    const id = requireUuid(input.evaluationId, 'input.evaluationId');
    const scores = list(input.scores, 'input.scores', 1).map((entry, i) => ({
      indicator: requiredText(entry.indicator, `input.scores.${i}.indicator`, MAX_NAME, 'The indicator'),
      score: score(entry.score, `input.scores.${i}.score`),
    }));
    const satisfaction = score(input.residentSatisfaction, 'input.residentSatisfaction');
    const overall = Math.round((scores.reduce((sum, entry) => sum + entry.score, 0) / scores.length) * 100) / 100;
    const evaluation = await context.store.evaluations.submit(
      id,
      { scores, satisfaction, overall, grade: input.grade },
      actorOf(viewer, context.requestId),
      (current) => {
        if (current.evaluatorId !== viewer.org) throw forbidden('Only the assigned evaluator submits this evaluation.');
      },
    );
    return { evaluation };
  },
};
