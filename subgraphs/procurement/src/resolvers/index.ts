import type { Resolvers } from '../generated/graphql';
import { Mutation } from './Mutation';
import { Query } from './Query';
import { RedFlag } from './RedFlag';
import { RedFlagEvidence } from './RedFlagEvidence';
import {
  Award,
  Bid,
  BudgetLine,
  Community,
  Contract,
  Milestone,
  Objection,
  Organization,
  Payment,
  PerformanceEvaluation,
  ProcurementProject,
  ProcurementStatisticsRow,
  SupplementaryAgreement,
  Tender,
} from './Types';

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
