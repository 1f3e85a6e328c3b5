import ICAL from 'ical.js';
import { startTestGraph, type TestGraph } from '../../../test/support/graph';
import { at, BOOK, CHANGE, facilityVersion, listedFacility, newUnit, nextWeekday, resident } from './support';

/** The iCalendar feeds, parsed with a real parser (ical.js) and checked field by field. */

let graph: TestGraph;
let base: string;
beforeAll(async () => {
  graph = await startTestGraph();
  base = graph.subgraphUrls.facilities!.replace(/\/graphql$/, '');
});
afterAll(async () => {
  await graph?.stop();
});

async function fetchFeed(path: string) {
  const response = await fetch(`${base}${path}`);
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
}

function events(text: string) {
  return new ICAL.Component(ICAL.parse(text)).getAllSubcomponents('vevent').map((vevent) => {
    const event = new ICAL.Event(vevent);
    return {
      uid: event.uid,
      summary: event.summary,
      description: event.description,
      location: event.location,
      start: event.startDate.toJSDate().toISOString(),
      end: event.endDate.toJSDate().toISOString(),
      sequence: vevent.getFirstPropertyValue('sequence'),
      status: vevent.getFirstPropertyValue('status'),
      dtstamp: (vevent.getFirstPropertyValue('dtstamp') as ICAL.Time).toJSDate().toISOString(),
    };
  });
}

const LONG_NAME = '海淀区中关村街道社区之家多功能活动室（含投影、音响、无障碍通道；可容纳三十人，周末开放）';
const PURPOSE = '读书会; 主题: "城市, 社区\\邻里"\n第二行';

test('the public facility feed shows busy times only, with UID, DTSTAMP, SEQUENCE and STATUS', async () => {
  const unit = await newUnit();
  const id = await listedFacility(graph, unit, { name: LONG_NAME });
  const day = nextWeekday(2);
  const me = await resident('calendar-public');
  const booked = await graph.request(BOOK, {
    token: me,
    variables: { input: { facilityId: id, startsAt: at(day, '10:00'), endsAt: at(day, '12:00'), purpose: PURPOSE } },
  });
  const booking = booked.body.data!.bookFacility.booking;
  const path = (await graph.request(`query ($id: ID!) { facility(id: $id) { calendarPath } }`, { variables: { id } })).body.data?.facility
    .calendarPath;
  const feed = await fetchFeed(path);
  expect(feed.status).toBe(200);
  expect(feed.type).toMatch(/^text\/calendar/);
  const [row] = await graph.database.query<{ updated_at: Date }>(`SELECT updated_at FROM facilities.booking WHERE id = $1`, [booking.id]);
  expect(events(feed.text)).toEqual([
    {
      uid: `${booking.id}@facilities.community-resource-graph`,
      summary: '已预约 Busy',
      description: null,
      location: '晋阳路 1 号',
      start: at(day, '10:00'),
      end: at(day, '12:00'),
      sequence: 0,
      status: 'CONFIRMED',
      dtstamp: new Date(Math.floor(row!.updated_at.getTime() / 1000) * 1000).toISOString(),
    },
  ]);
  // No names or purposes in the public feed.
  expect(feed.text).not.toContain('读书会');
  expect(feed.text).not.toContain('calendar-public');
  // RFC 5545 3.1: CRLF line ends, no line longer than 75 octets; the long name is folded, not cut.
  const lines = feed.text.split('\r\n');
  expect(lines.every((line) => Buffer.byteLength(line, 'utf8') <= 75)).toBe(true);
  expect(lines.some((line) => line.startsWith(' '))).toBe(true);
  expect(new ICAL.Component(ICAL.parse(feed.text)).getFirstPropertyValue('x-wr-calname')).toBe(`${LONG_NAME} 占用`);

  // A withdrawn facility's feed is gone.
  await graph.request(CHANGE, {
    token: unit.admin,
    variables: { input: { id, to: 'WITHDRAWN', reason: '停用', expectedVersion: await facilityVersion(graph, id) } },
  });
  expect((await fetchFeed(path)).status).toBe(404);
});

test("the booker's feed at a secret URL: own bookings with escaped text, revisions counted, rotation kills the old URL", async () => {
  const unit = await newUnit();
  const id = await listedFacility(graph, unit, { name: LONG_NAME });
  const other = await listedFacility(graph, unit, { name: '另一个活动室' });
  const day = nextWeekday(3);
  const me = await resident('calendar-owner');
  const mine = await graph.request(BOOK, {
    token: me,
    variables: { input: { facilityId: id, startsAt: at(day, '10:00'), endsAt: at(day, '11:00'), purpose: PURPOSE } },
  });
  const cancelled = await graph.request(BOOK, {
    token: me,
    variables: { input: { facilityId: other, startsAt: at(day, '14:00'), endsAt: at(day, '15:00') } },
  });
  await graph.request(BOOK, {
    token: await resident('someone-else'),
    variables: { input: { facilityId: other, startsAt: at(day, '16:00'), endsAt: at(day, '17:00') } },
  });
  await graph.request(`mutation ($id: ID!) { cancelBooking(input: { id: $id, reason: "临时有事" }) { booking { status } } }`, {
    token: me,
    variables: { id: cancelled.body.data!.bookFacility.booking.id },
  });

  const rotate = `mutation { rotateCalendarSecret(input: { reason: "首次订阅" }) { calendarPath } }`;
  expect((await graph.request(rotate)).body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  const first = (await graph.request(rotate, { token: me })).body.data?.rotateCalendarSecret.calendarPath as string;
  const feed = await fetchFeed(first);
  expect(feed.status).toBe(200);
  expect(feed.type).toMatch(/^text\/calendar/);
  const parsed = events(feed.text);
  expect(parsed.map((e) => [e.summary, e.status, e.sequence])).toEqual([
    [LONG_NAME, 'CONFIRMED', 0],
    ['另一个活动室', 'CANCELLED', 1],
  ]);
  // Escaped on the wire (3.3.11) and restored by the parser.
  expect(parsed[0]!.description).toBe(PURPOSE);
  expect(feed.text).toContain('读书会\\; 主题: "城市\\, 社区\\\\邻里"\\n');
  expect(parsed[0]!.uid).toBe(`${mine.body.data!.bookFacility.booking.id}@facilities.community-resource-graph`);
  expect(parsed[1]!.description).toBe('临时有事');

  const second = (await graph.request(rotate, { token: me })).body.data?.rotateCalendarSecret.calendarPath as string;
  expect(second).not.toBe(first);
  expect((await fetchFeed(first)).status).toBe(404);
  expect((await fetchFeed(second)).status).toBe(200);
  expect((await fetchFeed('/calendars/bookers/not-a-secret.ics')).status).toBe(400);
  // The secret is stored only as a hash.
  const secret = second.replace('/calendars/bookers/', '').replace('.ics', '');
  const [stored] = await graph.database.query<{ secret_hash: string }>(
    `SELECT secret_hash FROM facilities.calendar_secret WHERE subject = 'calendar-owner'`,
  );
  expect(stored!.secret_hash).not.toContain(secret);
  expect(stored!.secret_hash).toHaveLength(64);
});
