/**
 * The Unified Social Credit Code (统一社会信用代码, GB 32100-2015): 18 characters from a
 * 31-character set without I, O, S, V, Z: registration authority (1), organisation type (1),
 * region code (6), organisation code (9), check character (1).
 */

export const CREDIT_CODE_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export type CreditCodeCheck = { ok: true } | { ok: false; reason: string; expectedCheck?: string };

/** The shape alone: 18 characters from the set. The scalar checks this; rules check the rest. */
export function creditCodeShapeProblem(code: string): string | undefined {
  if (code.length !== 18) return `expected 18 characters, got ${code.length}`;
  const wrong = Array.from(code).find((char) => !CREDIT_CODE_CHARSET.includes(char));
  if (wrong !== undefined) return `"${wrong}" is not one of ${CREDIT_CODE_CHARSET} (no I, O, S, V or Z)`;
  return undefined;
}

/** The check character for the first 17 characters (which must already be from the set). */
export function checkCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CREDIT_CODE_CHARSET.indexOf(first17[i]!) * WEIGHTS[i]!;
  return CREDIT_CODE_CHARSET[(31 - (sum % 31)) % 31]!;
}

/** A full code from its first 17 characters (the demo data makes its codes this way). */
export function withCheckCharacter(first17: string): string {
  const problem = first17.length === 17 ? creditCodeShapeProblem(`${first17}0`) : `expected 17 characters, got ${first17.length}`;
  if (problem) throw new Error(`Cannot complete credit code ${first17}: ${problem}.`);
  return first17 + checkCharacter(first17);
}

/**
 * Whether the code can exist. Whenever its first 17 characters are from the set, a refusal
 * names the check character they call for, so a caller who mistyped or cut a code learns it.
 */
export function validateCreditCode(code: string): CreditCodeCheck {
  const first17 = code.slice(0, 17);
  const expectedCheck =
    first17.length === 17 && Array.from(first17).every((char) => CREDIT_CODE_CHARSET.includes(char)) ? checkCharacter(first17) : undefined;
  const problem = creditCodeShapeProblem(code);
  if (problem) return expectedCheck ? { ok: false, reason: problem, expectedCheck } : { ok: false, reason: problem };
  if (code[17] !== expectedCheck) {
    return { ok: false, reason: `the check character is ${code[17]} but should be ${expectedCheck}`, expectedCheck };
  }
  return { ok: true };
}
