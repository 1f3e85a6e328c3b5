import type { Resolvers } from '../generated/graphql';
import { AnnualReport } from './AnnualReport';
import { Community } from './Community';
import { Evaluation } from './Evaluation';
import { ListEntry } from './ListEntry';
import { Mutation } from './Mutation';
import { Organization } from './Organization';
import { Query } from './Query';
import { Standing } from './Standing';
import { StatusChange } from './StatusChange';

export const resolvers: Resolvers = {
  Query,
  Mutation,
  Organization,
  Community,
  Evaluation,
  AnnualReport,
  StatusChange,
  ListEntry,
  Standing,
};
