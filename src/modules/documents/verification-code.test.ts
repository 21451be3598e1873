import { describe, expect, it } from 'vitest';
import { CODE_LENGTH, displayCode, newVerificationCode, normalizeVerificationCode } from './verification-code.js';

describe('verification codes', () => {
  it('are 10 Crockford base32 characters, different each time', () => {
    const codes = new Set(Array.from({ length: 200 }, newVerificationCode));
    expect(codes.size).toBe(200);
    for (const c of codes) expect(c).toMatch(new RegExp(`^[0-9A-HJKMNP-TV-Z]{${CODE_LENGTH}}$`));
  });

  it('accept what a person types: case, hyphens, spaces and look-alike letters', () => {
    expect(normalizeVerificationCode('ab1de-fgh0k')).toBe('AB1DEFGH0K');
    expect(normalizeVerificationCode(' aBIDe fGhOk ')).toBe('AB1DEFGH0K');
    expect(normalizeVerificationCode('ABCDE-FGHJ')).toBeUndefined();
    expect(normalizeVerificationCode('ABCDE-FGHJU')).toBeUndefined();
    expect(displayCode('AB1DEFGH0K')).toBe('AB1DE-FGH0K');
  });
});
