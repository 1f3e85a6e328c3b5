import type { Session } from '../../../lib/runtime/db';
import { demoCity } from '../../../seed/demo-city';

/** Seeds the communities registry; rows already there are left as they are (idempotent). */
export async function seedCommunities(session: Session): Promise<void> {
  const { areas, communities } = demoCity();
  await session.query(
    `INSERT INTO communities.area (code, name, level, parent_code, official_code)
     SELECT a.code, a.name, a.level::communities."AreaLevel", a.parent_code, a.official_code
       FROM jsonb_to_recordset($1::jsonb) AS a(code text, name text, level text, parent_code text, official_code boolean)
     ON CONFLICT (code) DO NOTHING`,
    [
      JSON.stringify(
        areas.map((a) => ({ code: a.code, name: a.name, level: a.level, parent_code: a.parentCode, official_code: a.officialCode })),
      ),
    ],
  );
  await session.query(
    `INSERT INTO communities.community (code, households, population, committee_contact, committee_phone,
                                        service_station_address, service_station_phone)
     SELECT c.code, c.households, c.population, c.committee_contact, c.committee_phone, c.service_station_address, c.service_station_phone
       FROM jsonb_to_recordset($1::jsonb) AS c(code text, households int, population int, committee_contact text,
            committee_phone text, service_station_address text, service_station_phone text)
     ON CONFLICT (code) DO NOTHING`,
    [
      JSON.stringify(
        communities.map((c) => ({
          code: c.code,
          households: c.households,
          population: c.population,
          committee_contact: c.committeeContact,
          committee_phone: c.committeePhone,
          service_station_address: c.serviceStationAddress,
          service_station_phone: c.serviceStationPhone,
        })),
      ),
    ],
  );
}
