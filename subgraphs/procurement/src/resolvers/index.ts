import type { Resolvers } from '../generated/graphql';
import { Award } from './Award';
import { Bid } from './Bid';
import { BudgetLine } from './BudgetLine';
import { Community } from './Community';
import { Contract } from './Contract';
import { Milestone } from './Milestone';
import { Mutation } from './Mutation';
import { Objection } from './Objection';
import { Organization } from './Organization';
import { Payment } from './Payment';
import { PerformanceEvaluation } from './PerformanceEvaluation';
import { ProcurementProject } from './ProcurementProject';
import { ProcurementStatisticsRow } from './ProcurementStatisticsRow';
import { Query } from './Query';
import { RedFlag } from './RedFlag';
import { RedFlagEvidence } from './RedFlagEvidence';
import { SupplementaryAgreement } from './SupplementaryAgreement';
import { Tender } from './Tender';

export const resolvers: Resolvers = {
  Query,
  Mutation,
  BudgetLine,
  ProcurementProject,
  Tender,
  Bid,
  Award,
  Objection,
  Contract,
  Milestone,
  Payment,
  ProcurementStatisticsRow,
  SupplementaryAgreement,
  PerformanceEvaluation,
  Organization,
  Community,
  RedFlag,
  RedFlagEvidence,
};
