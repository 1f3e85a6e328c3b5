import type { Resolvers } from '../generated/graphql';
import { Community } from './Community';
import { Mutation } from './Mutation';
import { Organization } from './Organization';
import { Query } from './Query';
import * as types from './types';

export const resolvers: Resolvers = { Query, Mutation, Community, Organization, ...types };
