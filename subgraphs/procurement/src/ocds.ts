import { fromDateColumn } from '../../../lib/kernel/dates';
import { fromDecimalColumn, fromFen, toFen } from '../../../lib/kernel/money';
import type { ProcurementConfig } from './config';
import type { ProjectRecord } from './store/records';

/**
 * One project as an OCDS 1.1 release package: a release per stage reached (planning, each
 * tender, award, contract, implementation). Codelists are mapped as DOMAIN.md says; parties
 * with a Unified Social Credit Code are identified by scheme CN-USCI. Sealed bids stay sealed:
 * tenderers and their bids (the bids extension) appear only once the tender has closed.
 */

type Json = Record<string, unknown>;

/** The OCDS bids extension (bids.details, awards[].relatedBid), named as publishers name it. */
const BID_EXTENSION = 'https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/v1.1.5/extension.json';

const METHOD = {
  OPEN: 'open',
  INVITED: 'selective',
  COMPETITIVE_NEGOTIATION: 'limited',
  COMPETITIVE_CONSULTATION: 'limited',
  SINGLE_SOURCE: 'direct',
} as const;
const METHOD_DETAILS = {
  OPEN: '公开招标',
  INVITED: '邀请招标',
  COMPETITIVE_NEGOTIATION: '竞争性谈判',
  COMPETITIVE_CONSULTATION: '竞争性磋商',
  SINGLE_SOURCE: '单一来源',
} as const;
const TENDER_STATUS = { ACTIVE: 'active', UNSUCCESSFUL: 'unsuccessful', AWARDED: 'complete', CANCELLED: 'cancelled' } as const;
const CRITERIA = { PRICE_ONLY: 'priceOnly', RATED: 'ratedCriteria' } as const;
// OCDS 1.1 has no "completed" contract status: a contract no longer in force is terminated.
const CONTRACT_STATUS = { PENDING: 'pending', ACTIVE: 'active', COMPLETED: 'terminated', TERMINATED: 'terminated' } as const;

/**
 * OCDS amounts are JSON numbers. The decimal string goes through lib/kernel/money's fen first; amounts
 * up to 15 significant digits (below 10^13 yuan) print back exactly as the decimal they are.
 */
export function ocdsValue(yuan: { toFixed(digits: number): string } | string): Json {
  const text = typeof yuan === 'string' ? yuan : fromDecimalColumn(yuan);
  return { amount: Number(fromFen(toFen(text))), currency: 'CNY' };
}

interface Party {
  id: string;
  name: string;
  identifier?: Json;
  address?: Json;
  roles: Set<string>;
}

function partyId(organizationId: string, creditCode: string | null): string {
  return creditCode ? `CN-USCI-${creditCode}` : `CRG-ORG-${organizationId}`;
}

/** The organisations a project's package may name as parties: the buyer and every bidder. */
export function partyOrganizations(record: ProjectRecord): string[] {
  return [record.purchaserId, ...record.tenders.flatMap((tender) => tender.bids.map((bid) => bid.organizationId))];
}

/**
 * `addresses`: each organisation's address as the registry publishes it (only public data;
 * registry.publicAddresses), keyed by organisation id.
 */
export function releasePackage(
  record: ProjectRecord,
  config: ProcurementConfig,
  now = new Date(),
  addresses: ReadonlyMap<string, Json> = new Map(),
): Json {
  const ocid = `${config.ocidPrefix}${record.id}`;
  const parties = new Map<string, Party>();
  const party = (organizationId: string, name: string, creditCode: string | null, role: string) => {
    const id = partyId(organizationId, creditCode);
    let entry = parties.get(id);
    if (!entry) {
      const address = addresses.get(organizationId);
      entry = {
        id,
        name,
        roles: new Set(),
        ...(creditCode ? { identifier: { scheme: 'CN-USCI', id: creditCode, legalName: name } } : {}),
        ...(address ? { address } : {}),
      };
      parties.set(id, entry);
    }
    entry.roles.add(role);
    return { id, name };
  };
  const partiesJson = () =>
    [...parties.values()].map((p) => ({
      id: p.id,
      name: p.name,
      ...(p.identifier ? { identifier: p.identifier } : {}),
      ...(p.address ? { address: p.address } : {}),
      roles: [...p.roles],
    }));
  const buyer = party(record.purchaserId, record.purchaserName, record.purchaserCreditCode, 'buyer');
  party(record.purchaserId, record.purchaserName, record.purchaserCreditCode, 'procuringEntity');
  const release = (stage: string, date: Date, tag: string[], body: Json): Json => ({
    ocid,
    id: `${ocid}-${stage}`,
    date: date.toISOString(),
    language: 'zh',
    tag,
    initiationType: 'tender',
    parties: partiesJson(),
    buyer,
    ...body,
  });

  const releases: Json[] = [
    release('planning', record.createdAt, ['planning'], {
      planning: {
        rationale: record.serviceContent,
        budget: { id: record.budgetLineId, description: record.catalogueItem.name, amount: ocdsValue(record.budget) },
      },
      tender: {
        id: `${ocid}-planned`,
        title: record.title,
        description: record.serviceContent,
        status: 'planning',
        mainProcurementCategory: 'services',
        classification: { scheme: 'CN-GPS-CATALOGUE', id: record.catalogueCode, description: record.catalogueItem.name },
        value: ocdsValue(record.budget),
      },
    }),
  ];

  for (const [index, tender] of record.tenders.entries()) {
    const closed = now >= tender.closesAt;
    const live = tender.bids.filter((bid) => bid.withdrawnAt === null);
    const tenderers = closed ? live.map((bid) => party(bid.organizationId, bid.organizationName, bid.creditCode, 'tenderer')) : [];
    const tenderJson: Json = {
      id: tender.id,
      title: record.title,
      description: record.serviceContent,
      status: TENDER_STATUS[tender.status],
      procurementMethod: METHOD[tender.method],
      procurementMethodDetails: METHOD_DETAILS[tender.method],
      ...(tender.methodChangeReason ? { procurementMethodRationale: tender.methodChangeReason } : {}),
      mainProcurementCategory: 'services',
      awardCriteria: CRITERIA[tender.awardCriteria],
      submissionMethod: ['electronicSubmission'],
      tenderPeriod: { startDate: tender.opensAt.toISOString(), endDate: tender.closesAt.toISOString() },
      value: ocdsValue(record.budget),
      procuringEntity: buyer,
      ...(closed ? { numberOfTenderers: tenderers.length, tenderers } : {}),
    };
    // The bids extension, once the tender has closed (prices are sealed before): what Cardinal's
    // indicators are computed from. Withdrawn bids were never opened and are not published.
    const bids = closed
      ? {
          bids: {
            details: live.map((bid) => ({
              id: bid.id,
              status: bid.qualified === true ? 'valid' : bid.qualified === false ? 'disqualified' : 'pending',
              date: bid.submittedAt.toISOString(),
              value: ocdsValue(bid.price),
              tenderers: [party(bid.organizationId, bid.organizationName, bid.creditCode, 'tenderer')],
            })),
          },
        }
      : {};
    const tag = tender.status === 'CANCELLED' ? ['tenderCancellation'] : index === 0 ? ['tender'] : ['tenderUpdate'];
    releases.push(release(`tender-${index + 1}`, tender.publishedAt, tag, { tender: tenderJson, ...bids }));

    if (tender.status === 'AWARDED') {
      const bid = tender.bids.find((b) => b.id === tender.awardedBidId)!;
      const supplier = party(bid.organizationId, bid.organizationName, bid.creditCode, 'supplier');
      const award = {
        id: `${tender.id}-award`,
        title: record.title,
        status: 'active',
        date: tender.awardedAt!.toISOString(),
        value: ocdsValue(tender.awardAmount!),
        suppliers: [supplier],
        relatedBid: bid.id,
        items: [
          {
            id: '1',
            description: record.catalogueItem.name,
            classification: { scheme: 'CN-GPS-CATALOGUE', id: record.catalogueCode, description: record.catalogueItem.name },
            quantity: 1,
          },
        ],
      };
      releases.push(release('award', new Date(award.date), ['award'], { tender: { id: tender.id, status: 'complete' }, awards: [award] }));

      const contract = record.contracts.find((c) => c.tenderId === tender.id);
      if (contract) {
        const contractJson: Json = {
          id: contract.id,
          awardID: award.id,
          title: contract.title,
          status: CONTRACT_STATUS[contract.status],
          value: ocdsValue(contract.value),
          period: {
            startDate: `${fromDateColumn(contract.startsOn)}T00:00:00+08:00`,
            endDate: `${fromDateColumn(contract.endsOn)}T23:59:59+08:00`,
          },
          ...(contract.signedOn ? { dateSigned: `${fromDateColumn(contract.signedOn)}T00:00:00+08:00` } : {}),
          milestones: contract.milestones.map((m) => ({
            id: m.id,
            title: m.title,
            description: m.deliverable,
            type: 'delivery',
            dueDate: `${fromDateColumn(m.dueOn)}T23:59:59+08:00`,
            status: m.completedOn ? 'met' : 'scheduled',
            ...(m.completedOn ? { dateMet: `${fromDateColumn(m.completedOn)}T00:00:00+08:00` } : {}),
          })),
          ...(contract.supplementaryAgreements.length
            ? {
                amendments: contract.supplementaryAgreements.map((a) => ({
                  id: a.id,
                  date: `${fromDateColumn(a.signedOn)}T00:00:00+08:00`,
                  rationale: a.reason,
                  description: `补充协议 +${fromDecimalColumn(a.amount)} CNY`,
                })),
              }
            : {}),
        };
        const contractTag = contract.status === 'TERMINATED' ? ['contractTermination'] : ['contract'];
        releases.push(release('contract', contract.createdAt, contractTag, { awards: [{ id: award.id }], contracts: [contractJson] }));

        if (contract.payments.length > 0 || contract.evaluation?.status === 'COMPLETED' || contract.milestones.some((m) => m.completedOn)) {
          const payer = buyer;
          const payee = supplier;
          const last = [
            contract.createdAt,
            ...contract.payments.map((p) => p.recordedAt),
            ...(contract.evaluation?.completedAt ? [contract.evaluation.completedAt] : []),
          ];
          const implementation: Json = {
            transactions: contract.payments.map((p) => ({
              id: p.id,
              date: `${fromDateColumn(p.paidOn)}T00:00:00+08:00`,
              payer,
              payee,
              value: ocdsValue(p.amount),
            })),
            ...(contract.evaluation?.status === 'COMPLETED'
              ? {
                  documents: [
                    {
                      id: contract.evaluation.id,
                      documentType: 'finalAudit',
                      title: `绩效评价 ${contract.evaluation.grade} (${fromDecimalColumn(contract.evaluation.overallScore)})`,
                      description: `Third-party evaluation by ${contract.evaluation.evaluatorName}; resident satisfaction ${fromDecimalColumn(contract.evaluation.satisfaction)}.`,
                    },
                  ],
                }
              : {}),
          };
          releases.push(
            release('implementation', new Date(Math.max(...last.map((d) => d.getTime()))), ['implementation'], {
              awards: [{ id: award.id }],
              contracts: [{ id: contract.id, awardID: award.id, implementation }],
            }),
          );
        }
      }
    }
  }

  return {
    uri: `${config.publicationBaseUrl}${record.id}`,
    version: '1.1',
    extensions: [BID_EXTENSION],
    publishedDate: now.toISOString(),
    publisher: { name: 'Community Resource Graph 社区资源图谱', uri: config.publicationBaseUrl },
    license: 'https://creativecommons.org/licenses/by/4.0/',
    publicationPolicy: config.publicationBaseUrl,
    releases,
  };
}
