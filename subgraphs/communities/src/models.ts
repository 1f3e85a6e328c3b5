import type { AreaLevel } from './generated/prisma/enums';
import type { Connection } from '../../../lib/graphql/connections';
import type { SignedInViewer } from '../../../lib/auth';

/** An area as the store returns it: what the Area type's resolvers start from. */
export interface AreaModel {
  code: string;
  name: string;
  level: AreaLevel;
  parentCode: string | null;
  officialCode: boolean;
}

/** A community: its area's name and street joined to its figures and contacts. */
export interface CommunityModel {
  code: string;
  name: string;
  parentCode: string;
  households: number;
  population: number;
  committeeContact: string | null;
  committeePhone: string | null;
  serviceStationAddress: string | null;
  serviceStationPhone: string | null;
  version: number;
  updatedAt: Date;
}

export type AreaConnectionModel = Connection<AreaModel>;
export type CommunityConnectionModel = Connection<CommunityModel>;

/** `me`: the verified token's claims. */
export type ViewerModel = SignedInViewer;
