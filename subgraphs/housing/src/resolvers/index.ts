import type { Resolvers } from '../generated/graphql';
import { AuditEntry } from './AuditEntry';
import { Buyback } from './Buyback';
import { ClearanceReason } from './ClearanceReason';
import { Community } from './Community';
import { Development } from './Development';
import { Inspection } from './Inspection';
import { InspectionSignature } from './InspectionSignature';
import { Lease } from './Lease';
import { Mutation } from './Mutation';
import { Organization } from './Organization';
import { Premises } from './Premises';
import { PremisesCompliance } from './PremisesCompliance';
import { Query } from './Query';
import { ReferencePrice } from './ReferencePrice';
import { SignOff } from './SignOff';

export const resolvers: Resolvers = {
  Query,
  Mutation,
  Community,
  Organization,
  Development,
  Premises,
  SignOff,
  InspectionSignature,
  AuditEntry,
  Inspection,
  Buyback,
  ReferencePrice,
  Lease,
  PremisesCompliance,
  ClearanceReason,
};
