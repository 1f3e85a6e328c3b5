import type { GraphQLError } from 'graphql';
import { actorOf } from '../kernel/actor';
import type { SignedInViewer } from '../kernel/auth';
import { ruleBroken } from '../kernel/errors';
import { requireUuid } from '../kernel/ids';
import { fromDecimalColumn } from '../kernel/money';
import { optionalText, requiredText, textChange } from '../kernel/text';

function refusal(run: () => unknown): Record<string, unknown> {
  try {
    run();
  } catch (error) {
    return { message: (error as GraphQLError).message, ...(error as GraphQLError).extensions };
  }
  throw new Error('expected a refusal');
}

describe('refusals by rule', () => {
  test('an input at fault is BAD_USER_INPUT naming its field; a record at fault is CONFLICT', () => {
    expect(ruleBroken('R', 'no', 'input.x').extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'input.x', rule: 'R' });
    expect(ruleBroken('R', 'no').extensions).toEqual({ code: 'CONFLICT', rule: 'R' });
  });
});

describe('free text', () => {
  test('required text is trimmed, and refused blank, too long or with control characters', () => {
    expect(requiredText('  社区之家  ', 'input.name', 4)).toBe('社区之家');
    expect(requiredText('abcd', 'f', 4)).toBe('abcd');
    expect(refusal(() => requiredText('   ', 'input.name', 10, 'The name'))).toEqual({
      message: 'The name must not be empty.',
      code: 'BAD_USER_INPUT',
      field: 'input.name',
      rule: 'REQUIRED_TEXT',
    });
    expect(refusal(() => requiredText('abcde', 'f', 4))).toMatchObject({ rule: 'TEXT_TOO_LONG', field: 'f' });
    expect(refusal(() => requiredText('a\u0000b', 'f', 9))).toMatchObject({ rule: 'CONTROL_CHARACTERS' });
    expect(refusal(() => requiredText('a\u001fb', 'f', 9))).toMatchObject({ rule: 'CONTROL_CHARACTERS' });
    // Line breaks and tabs are text, not control characters to refuse.
    expect(requiredText('a\n\tb', 'f', 9)).toBe('a\n\tb');
  });

  test('optional text: absent, null or blank is null; the rest is checked like required text', () => {
    expect(optionalText(undefined, 'f', 4)).toBeNull();
    expect(optionalText(null, 'f', 4)).toBeNull();
    expect(optionalText('  ', 'f', 4)).toBeNull();
    expect(optionalText(' ab ', 'f', 4)).toBe('ab');
    expect(refusal(() => optionalText('abcde', 'f', 4))).toMatchObject({ rule: 'TEXT_TOO_LONG' });
  });

  test('a change to optional text: absent keeps, null or blank clears', () => {
    expect(textChange(undefined, 'f', 4)).toBeUndefined();
    expect(textChange(null, 'f', 4)).toBeNull();
    expect(textChange(' ', 'f', 4)).toBeNull();
    expect(textChange('x', 'f', 4)).toBe('x');
    expect(refusal(() => textChange('abcde', 'f', 4))).toMatchObject({ rule: 'TEXT_TOO_LONG' });
  });
});

describe('ids', () => {
  test('a UUID is lowercased; anything else is refused naming the field', () => {
    expect(requireUuid('6F9619FF-8B86-D011-B42D-00C04FC964FF', 'id')).toBe('6f9619ff-8b86-d011-b42d-00c04fc964ff');
    expect(refusal(() => requireUuid('42', 'input.facilityId'))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.facilityId',
      rule: 'NOT_AN_ID',
    });
  });
});

describe('the actor of a change', () => {
  const viewer: SignedInViewer = {
    anonymous: false,
    id: 'u1',
    name: 'Li',
    roles: ['UNIT_ADMIN', 'RESIDENT'],
    area: '510107001000',
    org: undefined,
  };

  test('carries the caller, all their roles, no organisation as null, the jurisdiction and the request', () => {
    expect(actorOf(viewer, 'req-1')).toEqual({
      id: 'u1',
      roles: ['UNIT_ADMIN', 'RESIDENT'],
      org: null,
      area: '510107001000',
      requestId: 'req-1',
    });
  });

  test('narrows to the role a workflow step was taken in', () => {
    expect(actorOf({ ...viewer, org: 'o1' }, 'req-2', 'UNIT_ADMIN')).toMatchObject({ roles: ['UNIT_ADMIN'], org: 'o1' });
  });
});

describe('decimal columns', () => {
  test('read as two-place decimal strings, null kept', () => {
    expect(fromDecimalColumn({ toFixed: (places: number) => (12.5).toFixed(places) })).toBe('12.50');
    expect(fromDecimalColumn(null)).toBeNull();
  });
});
