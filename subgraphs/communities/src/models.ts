import type { AreaLevel } from './generated/prisma/enums';
import type { Connection } from '../../../lib/runtime/connections';
import type { SignedInViewer } from '../../../lib/kernel/auth';

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

export interface AreaFilter {
  parentCode?: string;
  level?: AreaLevel;
}

export interface CommunityFilter {
  within?: string;
  nameContains?: string;
}

export interface NewArea {
  code: string;
  name: string;
  level: AreaLevel;
  parentCode: string | null;
  officialCode: boolean;
  households?: number;
  population?: number;
}

export interface CommunityChanges {
  households?: number;
  population?: number;
  committeeContact?: string | null;
  committeePhone?: string | null;
  serviceStationAddress?: string | null;
  serviceStationPhone?: string | null;
}

/** Communities read together with the areas they sit in (their own, street, district, city). */
export interface CommunitiesWithAreas {
  communities: CommunityModel[];
  areas: AreaModel[];
}
