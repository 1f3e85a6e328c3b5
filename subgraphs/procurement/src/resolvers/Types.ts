import { forbidden } from '../../../../lib/errors';
import { toConnection } from '../../../../lib/graphql/connections';
import { fromFen, money, toFen } from '../../../../lib/money';
import { actsFor, isReader, requireReader, requireReaderOrOwn } from '../access';
import type {
  AwardResolvers,
  BidResolvers,
  BudgetLineResolvers,
  CommunityResolvers,
  ContractResolvers,
  MilestoneResolvers,
  ObjectionResolvers,
  OrganizationResolvers,
  PaymentResolvers,
  PerformanceEvaluationResolvers,
  ProcurementStatisticsRowResolvers,
  ProcurementProjectResolvers,
  SupplementaryAgreementResolvers,
  TenderResolvers,
} from '../generated/graphql';
import type { Context } from '../context';
import type { ProcurementProjectModel } from '../models';
import { addDays, keyedPage, SIGN_WITHIN_DAYS, todayIn, year } from '../rules';

const GRADE_NAMES = ['GRADE_1A', 'GRADE_2A', 'GRADE_3A', 'GRADE_4A', 'GRADE_5A'] as const;

export const BudgetLine: BudgetLineResolvers = {
  agency: (line) => ({ id: line.agencyId }),
  area: (line) => ({ code: line.areaCode }),
  amount: (line) => money(line.amount),
  committed: (line) => money(line.committed),
  remaining: (line) => money(fromFen(toFen(line.amount) - toFen(line.committed))),
};

export const ProcurementProject: ProcurementProjectResolvers = {
  __resolveReference: (reference, { loaders }) => loaders.project.load(reference.id),
  purchaser: (project) => ({ id: project.purchaserId }),
  area: (project) => ({ code: project.areaCode }),
  communities: async (project, _, { loaders }) => (await loaders.projectCommunities.load(project.id)).map((row) => ({ code: row.communityCode })),
  catalogueItem: async (project, _, { loaders }) => (await loaders.catalogueItem.load(project.catalogueCode))!,
  budget: (project) => money(project.budget),
  targets: (project, _, { loaders }) => loaders.projectTargets.load(project.id),
  tenders: (project, _, { loaders }) => loaders.projectTenders.load(project.id),
  contract: (project, _, { loaders }) => loaders.projectContract.load(project.id),
  redFlags: async (project, _, { viewer, loaders }) => {
    const flags = await loaders.projectRedFlags.load(project.id);
    return isReader(viewer, project.areaCode) ? flags : flags.filter((flag) => flag.decided);
  },
  history: (project, _, { viewer, loaders }) => {
    requireReader(viewer, project.areaCode, "A project's audit trail");
    return loaders.projectHistory.load(project.id);
  },
};

export const Tender: TenderResolvers = {
  project: async (tender, _, { loaders }) => (await loaders.project.load(tender.projectId)) as ProcurementProjectModel,
  minGrade: (tender) => (tender.minGrade ? GRADE_NAMES[tender.minGrade - 1]! : null),
  invitedSuppliers: (tender) => tender.invitedIds.map((id) => ({ id })),
  bidCount: (tender, _, { loaders }) => loaders.liveBidCount.load(tender.id),
  bids: (tender, _, { viewer, loaders }) => {
    requireReader(viewer, tender.areaCode, "A tender's bids");
    return loaders.tenderBids.load(tender.id);
  },
  award: (tender) => (tender.status === 'AWARDED' ? { tender } : null),
  objections: (tender, _, { viewer, loaders }) => {
    requireReader(viewer, tender.areaCode, "A tender's objections");
    return loaders.tenderObjections.load(tender.id);
  },
};

/** Sealed bids: before the deadline only the bidder's own admin sees price and proposal. */
async function unsealed<T>(bid: { tenderId: string; organizationId: string }, { viewer, loaders }: Context, value: T): Promise<T> {
  if (actsFor(viewer, bid.organizationId)) return value;
  const tender = (await loaders.tender.load(bid.tenderId))!;
  if (new Date() < tender.closesAt) throw forbidden(`Bids are sealed until the tender closes at ${tender.closesAt.toISOString()}.`);
  requireReaderOrOwn(viewer, tender.areaCode, bid.organizationId, "A bid's price and proposal");
  return value;
}

export const Bid: BidResolvers = {
  tender: async (bid, _, { loaders }) => (await loaders.tender.load(bid.tenderId))!,
  bidder: (bid) => ({ id: bid.organizationId }),
  price: (bid, _, context) => unsealed(bid, context, money(bid.price)),
  proposal: (bid, _, context) => unsealed(bid, context, bid.proposal),
  withdrawn: (bid) => bid.withdrawnAt !== null,
  score: (bid) => bid.score,
};

export const Award: AwardResolvers = {
  bid: async ({ tender }, _, { loaders }) => (await loaders.bid.load(tender.awardedBidId!))!,
  supplier: async ({ tender }, _, { loaders }) => ({ id: (await loaders.bid.load(tender.awardedBidId!))!.organizationId }),
  amount: ({ tender }) => money(tender.awardAmount!),
  noticeDate: ({ tender }) => tender.awardNoticeDate!,
  decidedAt: ({ tender }) => tender.awardedAt!,
  objectionDeadline: ({ tender }) => tender.objectionDeadline!,
  signBy: ({ tender }) => addDays(tender.awardNoticeDate!, SIGN_WITHIN_DAYS),
};

export const ProcurementStatisticsRow: ProcurementStatisticsRowResolvers = {
  amount: (row) => money(row.amount),
};

export const Objection: ObjectionResolvers = {
  objector: (objection) => ({ id: objection.organizationId }),
};

export const Contract: ContractResolvers = {
  __resolveReference: (reference, { loaders }) => loaders.contract.load(reference.id),
  project: async (contract, _, { loaders }) => (await loaders.project.load(contract.projectId))!,
  supplier: (contract) => ({ id: contract.supplierId }),
  purchaser: (contract) => ({ id: contract.purchaserId }),
  area: (contract) => ({ code: contract.areaCode }),
  originalValue: (contract) => money(contract.originalValue),
  value: (contract) => money(contract.value),
  milestones: (contract, _, { loaders }) => loaders.contractMilestones.load(contract.id),
  paid: (contract, _, { viewer }) => {
    requireReaderOrOwn(viewer, contract.areaCode, contract.supplierId, "A contract's payments");
    return money(contract.paid);
  },
  payments: (contract, _, { viewer, loaders }) => {
    requireReaderOrOwn(viewer, contract.areaCode, contract.supplierId, "A contract's payments");
    return loaders.contractPayments.load(contract.id);
  },
  supplementaryAgreements: (contract, _, { loaders }) => loaders.contractSupplements.load(contract.id),
  /** Public once completed; while assigned, for officers of the area and the evaluator itself. */
  evaluation: async (contract, _, { viewer, loaders }) => {
    const evaluation = await loaders.contractEvaluation.load(contract.id);
    if (!evaluation || evaluation.status === 'COMPLETED') return evaluation;
    return isReader(viewer, contract.areaCode) || actsFor(viewer, evaluation.evaluatorId, 'EVALUATOR') ? evaluation : null;
  },
};

export const Milestone: MilestoneResolvers = {
  overdue: (milestone, _, { loaders }) => milestone.completedOn === null && milestone.dueOn < todayIn(loaders.settings.timeZone),
  contract: async (milestone, _, { loaders }) => (await loaders.contract.load(milestone.contractId))!,
};

export const Payment: PaymentResolvers = {
  amount: (payment) => money(payment.amount),
  milestone: (payment, _, { loaders }) => (payment.milestoneId ? loaders.milestone.load(payment.milestoneId) : null),
};

export const SupplementaryAgreement: SupplementaryAgreementResolvers = {
  amount: (agreement) => money(agreement.amount),
};

export const PerformanceEvaluation: PerformanceEvaluationResolvers = {
  contract: async (evaluation, _, { loaders }) => (await loaders.contract.load(evaluation.contractId))!,
  evaluator: (evaluation) => ({ id: evaluation.evaluatorId }),
};

/** The rows a loadMany found, in order (an id always names a row the same statement just read). */
function present<T>(rows: readonly (T | null | Error)[]): T[] {
  return rows.filter((row): row is T => row !== null && !(row instanceof Error));
}

export const Organization: OrganizationResolvers = {
  __resolveReference: (reference) => ({ id: reference.id }),
  bids: async (organization, args, { viewer, loaders }) => {
    if (!actsFor(viewer, organization.id)) throw forbidden("An organisation's bids are for its own admin.");
    const page = keyedPage(args, ['uuid', 'uuid']);
    const rows = present(await loaders.bid.loadMany(await loaders.organizationBidIds(page).load(organization.id)));
    return toConnection(rows, page, (bid) => [bid.id, bid.id], () => loaders.organizationBidCount.load(organization.id));
  },
  contracts: async (organization, args, { loaders }) => {
    const page = keyedPage(args, ['date', 'uuid']);
    const rows = present(await loaders.contract.loadMany(await loaders.supplierContractIds(page).load(organization.id)));
    return toConnection(rows, page, (contract) => [contract.endsOn, contract.id], () => loaders.supplierContractCount.load(organization.id));
  },
  contractPerformance: (organization, _, { loaders }) => loaders.supplierPerformance.load(organization.id),
  procurementRedFlags: (organization, args, { loaders }) => loaders.organizationRedFlags(year(args.year, 'year')).load(organization.id),
};

export const Community: CommunityResolvers = {
  __resolveReference: (reference) => ({ code: reference.code }),
  procurementProjects: async (community, args, { loaders }) => {
    const page = keyedPage(args, ['uuid', 'uuid']);
    const rows = present(await loaders.project.loadMany(await loaders.communityProjectIds(page).load(community.code)));
    return toConnection(rows, page, (project) => [project.id, project.id], () => loaders.communityProjectCount.load(community.code));
  },
};
