import type { Session } from '../../../lib/runtime/db';
import { demoCreditRecords, demoOrganizations, STATUS_REASONS, type DemoCreditRecords } from '../../../seed/demo-organizations';

/** Seeds the registry; rows already there are left as they are (idempotent). */
export async function seedOrganizations(session: Session): Promise<void> {
  const organizations = demoOrganizations();
  const rows = organizations.map((o) => ({
    id: o.id,
    name: o.name,
    kind: o.kind,
    credit_code: o.creditCode,
    registration_area: o.registrationArea,
    registration_date: o.registrationDate,
    status: o.status,
    legal_representative: o.legalRepresentative,
    contact_phone: o.contactPhone,
    contact_email: o.contactEmail,
    contact_address: o.contactAddress,
    categories: o.categories,
    grade: o.grade,
    grade_awarded_on: o.gradeAwardedOn,
    grade_valid_until: o.gradeValidUntil,
    staff_count: o.staffCount,
    volunteer_count: o.volunteerCount,
    incubator: o.incubator,
    incubated_since: o.incubatedSince,
  }));
  // Registration, then the change to the current status; written only with a newly inserted organisation.
  const history = organizations.flatMap((o) => [
    { organization_id: o.id, from_status: null, to_status: 'ACTIVE', reason: 'Registered.', at: `${o.registrationDate}T09:00:00+08:00` },
    ...(o.status === 'ACTIVE'
      ? []
      : [
          {
            organization_id: o.id,
            from_status: 'ACTIVE',
            to_status: o.status,
            reason: STATUS_REASONS[o.status],
            at: '2025-06-30T09:00:00+08:00',
          },
        ]),
  ]);
  await session.query(
    `WITH inserted AS (
       INSERT INTO organizations.organization (id, name, kind, credit_code, registration_area, registration_date, status,
              legal_representative, contact_phone, contact_email, contact_address, categories, grade, grade_awarded_on,
              grade_valid_until, staff_count, volunteer_count, incubator, incubated_since)
       SELECT o.id, o.name, o.kind::organizations."OrganizationKind", o.credit_code, o.registration_area, o.registration_date,
              o.status::organizations."OrganizationStatus", o.legal_representative, o.contact_phone, o.contact_email,
              o.contact_address, ARRAY(SELECT jsonb_array_elements_text(o.categories)), o.grade, o.grade_awarded_on,
              o.grade_valid_until, o.staff_count, o.volunteer_count, o.incubator, o.incubated_since
         FROM jsonb_to_recordset($1::jsonb) AS o(id uuid, name text, kind text, credit_code text, registration_area text,
              registration_date date, status text, legal_representative text, contact_phone text, contact_email text,
              contact_address text, categories jsonb, grade smallint, grade_awarded_on date, grade_valid_until date,
              staff_count int, volunteer_count int, incubator text, incubated_since date)
       ON CONFLICT DO NOTHING
       RETURNING id
     )
     INSERT INTO organizations.status_change (organization_id, from_status, to_status, reason, actor, at)
     SELECT h.organization_id, h.from_status::organizations."OrganizationStatus", h.to_status::organizations."OrganizationStatus",
            h.reason, 'seed', h.at
       FROM jsonb_to_recordset($2::jsonb) AS h(organization_id uuid, from_status text, to_status text, reason text, at timestamptz)
      WHERE h.organization_id IN (SELECT id FROM inserted)`,
    [JSON.stringify(rows), JSON.stringify(history)],
  );
  await session.query(
    `INSERT INTO organizations.service_area (organization_id, area_code)
     SELECT a.organization_id, a.area_code FROM jsonb_to_recordset($1::jsonb) AS a(organization_id uuid, area_code text)
     ON CONFLICT DO NOTHING`,
    [JSON.stringify(organizations.flatMap((o) => o.serviceAreaCodes.map((code) => ({ organization_id: o.id, area_code: code }))))],
  );
  await session.query(
    `INSERT INTO organizations.annual_report (organization_id, year, total_income, government_purchase_income, expenditure,
            filed_by, filed_at, updated_at, locked_at, locked_by)
     SELECT r.organization_id, r.year, r.total_income, r.government_purchase_income, r.expenditure, 'seed', r.filed_at,
            r.filed_at, CASE WHEN r.locked THEN r.filed_at + interval '90 days' END, CASE WHEN r.locked THEN 'seed' END
       FROM jsonb_to_recordset($1::jsonb) AS r(organization_id uuid, year smallint, total_income numeric,
            government_purchase_income numeric, expenditure numeric, filed_at timestamptz, locked boolean)
     ON CONFLICT DO NOTHING`,
    [
      JSON.stringify(
        organizations.flatMap((o) =>
          o.annualReports.map((r) => ({
            organization_id: o.id,
            year: r.year,
            total_income: r.totalIncome,
            government_purchase_income: r.governmentPurchaseIncome,
            expenditure: r.expenditure,
            filed_at: `${r.year + 1}-05-31T10:00:00+08:00`,
            locked: r.locked,
          })),
        ),
      ),
    ],
  );
  await seedCreditRecords(session);
}

/** Seeds the credit records; rows already there are left as they are (idempotent). */
export async function seedCreditRecords(session: Session, records: DemoCreditRecords = demoCreditRecords()): Promise<void> {
  await session.query(
    `INSERT INTO organizations.list_entry (id, organization_id, list, listed_on, reason, authority, document_number, removed_on,
            removal_document_number, removal_reason, recorded_by, recorded_at, removed_by, removal_recorded_at)
     SELECT e.id, e.organization_id, e.list::organizations."CreditList", e.listed_on, e.reason, e.authority, e.document_number,
            e.removed_on, e.removal_document_number, e.removal_reason, 'seed', e.listed_on + time '09:00' AT TIME ZONE 'Asia/Shanghai',
            CASE WHEN e.removed_on IS NOT NULL THEN 'seed' END, e.removed_on + time '09:00' AT TIME ZONE 'Asia/Shanghai'
       FROM jsonb_to_recordset($1::jsonb) AS e(id uuid, organization_id uuid, list text, listed_on date, reason text, authority text,
            document_number text, removed_on date, removal_document_number text, removal_reason text)
     ON CONFLICT DO NOTHING`,
    [
      JSON.stringify(
        records.listEntries.map((e) => ({
          id: e.id,
          organization_id: e.organizationId,
          list: e.list,
          listed_on: e.listedOn,
          reason: e.reason,
          authority: e.authority,
          document_number: e.documentNumber,
          removed_on: e.removedOn,
          removal_document_number: e.removalDocumentNumber,
          removal_reason: e.removalReason,
        })),
      ),
    ],
  );
  await session.query(
    `INSERT INTO organizations.penalty (id, organization_id, decided_on, authority, document_number, kind, penalty, reason,
            in_force_from, in_force_until, recorded_by)
     SELECT p.id, p.organization_id, p.decided_on, p.authority, p.document_number, p.kind::organizations."PenaltyKind", p.penalty,
            p.reason, p.in_force_from, p.in_force_until, 'seed'
       FROM jsonb_to_recordset($1::jsonb) AS p(id uuid, organization_id uuid, decided_on date, authority text, document_number text,
            kind text, penalty text, reason text, in_force_from date, in_force_until date)
     ON CONFLICT DO NOTHING`,
    [
      JSON.stringify(
        records.penalties.map((p) => ({
          id: p.id,
          organization_id: p.organizationId,
          decided_on: p.decidedOn,
          authority: p.authority,
          document_number: p.documentNumber,
          kind: p.kind,
          penalty: p.penalty,
          reason: p.reason,
          in_force_from: p.inForceFrom,
          in_force_until: p.inForceUntil,
        })),
      ),
    ],
  );
  await session.query(
    `INSERT INTO organizations.annual_inspection (organization_id, year, result, concluded_on, authority, recorded_by)
     SELECT i.organization_id, i.year, i.result::organizations."InspectionResult", i.concluded_on, i.authority, 'seed'
       FROM jsonb_to_recordset($1::jsonb) AS i(organization_id uuid, year smallint, result text, concluded_on date, authority text)
     ON CONFLICT DO NOTHING`,
    [
      JSON.stringify(
        records.inspections.map((i) => ({
          organization_id: i.organizationId,
          year: i.year,
          result: i.result,
          concluded_on: i.concludedOn,
          authority: i.authority,
        })),
      ),
    ],
  );
}
