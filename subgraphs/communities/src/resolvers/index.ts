import type { Resolvers } from '../generated/graphql';
import { Area } from './Area';
import { Community } from './Community';
import { Mutation } from './Mutation';
import { Query } from './Query';
import { Viewer } from './Viewer';

export const resolvers: Resolvers = { Query, Mutation, Area, Community, Viewer };
