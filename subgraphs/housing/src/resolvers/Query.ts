import { actsWithin, hasRole, levelOfCode, requireJurisdiction, requireSignedIn } from '../../../../lib/kernel/auth';
import { actorOf } from '../../../../lib/kernel/actor';
import { addDays } from '../../../../lib/kernel/dates';
import { badInput, notFound } from '../../../../lib/kernel/errors';
import { isUuid, requireUuid } from '../../../../lib/kernel/ids';
import { readPage, toConnection } from '../../../../lib/runtime/connections';
import { CLEARANCE_ROLES, LEASE_ROLES } from '../access';
import { REJECTION_STATES, clearanceOf } from '../clearance';
import type { QueryResolvers } from '../generated/graphql';
import { checkCursor, integerIn } from '../rules';

export const Query: QueryResolvers = {
  development: (_, { id }, { loaders }) => (isUuid(id) ? loaders.development.load(id) : null),

  developments: async (_, { within, first, after }, { store, loaders }) => {
    const page = readPage({ first, after }, ['text', 'uuid']);
    const rows = await store.developments.page(within, page);
    for (const row of rows) loaders.development.prime(row.id, row);
    return toConnection(
      rows,
      page,
      (d) => [d.name, d.id],
      () => store.developments.count(within),
    );
  },

  premises: (_, { id }, { loaders }) => (isUuid(id) ? loaders.premises.load(id) : null),

  referencePrices: async (_, { city, first, after }, { store }) => {
    const page = readPage({ first, after }, ['int', 'text', 'text']);
    const rows = await store.referencePrices.page(city, page);
    return toConnection(
      rows,
      page,
      (p) => [p.year, p.priceType, p.zone],
      () => store.referencePrices.count(city),
    );
  },

  /** Logged when the housing authority asks: who, when, what was answered. */
  salesPermitClearance: async (_, { developmentId }, { viewer, store, loaders, requestId }) => {
    const signedIn = requireSignedIn(viewer);
    const development = await loaders.development.load(requireUuid(developmentId, 'developmentId'));
    if (!development) throw notFound(`No development ${developmentId}.`);
    const ownDeveloper = hasRole(signedIn, ['DEVELOPER']) && signedIn.org === development.developerId;
    if (!ownDeveloper) requireJurisdiction(signedIn, CLEARANCE_ROLES, development.communityCode, 'Sales-permit clearance');
    const premises = await loaders.premisesOfDevelopment.load(development.id);
    // The reasons name these premises: later lookups in the request reuse the rows.
    for (const row of premises) loaders.premises.prime(row.id, row);
    // One statement for the sign-offs and one for the inspections whatever the number of
    // premises (none included).
    const [signOffs, inspections] = await Promise.all([
      store.premises.signOffs(premises.filter((p) => p.state === 'PLANNED').map((p) => p.id)),
      store.inspections.ofPremises(premises.filter((p) => REJECTION_STATES.includes(p.state)).map((p) => p.id)),
    ]);
    const clearance = clearanceOf(
      development,
      premises,
      (id) => signOffs.filter((s) => s.premisesId === id),
      (id) => inspections.filter((i) => i.premisesId === id),
      new Date(),
    );
    if (actsWithin(signedIn, ['HOUSING_AUTHORITY'], development.communityCode)) {
      await store.developments.recordClearanceQuery(
        development.id,
        clearance.status,
        clearance.reasons.map((r) => r.message),
        actorOf(signedIn, requestId, 'HOUSING_AUTHORITY'),
      );
    }
    return clearance;
  },

  clearanceQueries: async (_, { developmentId, first, after }, { viewer, store, loaders }) => {
    const id = requireUuid(developmentId, 'developmentId');
    const page = readPage({ first, after }, ['int']);
    const development = await loaders.development.load(id);
    if (!development) throw notFound(`No development ${developmentId}.`);
    requireJurisdiction(viewer, ['HOUSING_AUTHORITY', 'CITY_ADMIN'], development.communityCode, 'The clearance query log');
    const rows = await store.developments.clearanceQueries(development.id, page);
    return toConnection(
      rows,
      page,
      (q) => [Number(q.id)],
      () => store.developments.countClearanceQueries(development.id),
    );
  },

  leasesExpiring: async (_, { within, days, first, after }, { viewer, store }) => {
    requireJurisdiction(viewer, LEASE_ROLES, within, 'Expiring leases');
    integerIn(days, 'days', 0, 366);
    const page = readPage({ first, after }, ['text', 'uuid']);
    checkCursor(page.after, ['date', null]);
    const until = addDays(store.today(), days);
    const rows = await store.leases.expiring(within, until, page);
    return toConnection(
      rows,
      page,
      (l) => [l.endsOn, l.id],
      () => store.leases.countExpiring(within, until),
    );
  },

  /**
   * The communities under the area below the standard: their households from the communities
   * subgraph (one peer request per 100 communities), then ONE statement computes owned, leased,
   * required and shortfall for all of them, sorted, paged and counted.
   */
  premisesShortfall: async (_, { within, first, after }, { viewer, store, loaders, requestId }) => {
    requireJurisdiction(viewer, LEASE_ROLES, within, 'The premises shortfall');
    if (levelOfCode(within) === 'COMMUNITY') throw badInput('within', 'Give a district, street or city: the list spans communities.');
    const page = readPage({ first, after }, ['text', 'areaCode']);
    checkCursor(page.after, ['decimal', null]);
    const communities = await loaders.communities.under(within, requestId);
    const { rows, total } = await store.compliance.ofCommunities(communities, { belowOnly: true, page });
    return toConnection(
      rows,
      page,
      (c) => [c.shortfall, c.communityCode],
      async () =>
        total >= 0 && rows.length > 0 ? total : (await store.compliance.ofCommunities(communities, { belowOnly: true })).rows.length,
    );
  },
};
