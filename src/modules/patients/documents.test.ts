import { describe, expect, it } from 'vitest';
import { dniCheckCharacters, documentNumberProblem, isValidDniCheck, isValidRuc, rucCheckDigit } from './documents.js';

describe('Peruvian document numbers', () => {
  it('computes the DNI check character in digit and letter form', () => {
    expect(dniCheckCharacters('10117410')).toEqual({ digit: '2', letter: 'G' });
    expect(isValidDniCheck('10117410', '2')).toBe(true);
    expect(isValidDniCheck('10117410', 'g')).toBe(true);
    expect(isValidDniCheck('10117410', '3')).toBe(false);
    expect(isValidDniCheck('10117410', 'K')).toBe(false);
  });

  it('checks RUC prefix and modulo-11 digit', () => {
    expect(isValidRuc('20607854247')).toBe(true);
    expect(rucCheckDigit('20607854247')).toBe(7);
    expect(isValidRuc('20607854248')).toBe(false);
    expect(isValidRuc('30607854247')).toBe(false);
    expect(isValidRuc('2060785424')).toBe(false);
    expect(documentNumberProblem('RUC', '20607854248')).toMatch(/dígito verificador/);
    expect(documentNumberProblem('RUC', '99607854247')).toMatch(/10, 15, 17 o 20/);
  });

  it('validates lengths and characters per type', () => {
    expect(documentNumberProblem('DNI', '44556677')).toBeUndefined();
    expect(documentNumberProblem('DNI', '4455667')).toMatch(/8 dígitos/);
    expect(documentNumberProblem('DNI', '4455667A')).toMatch(/8 dígitos/);
    expect(documentNumberProblem('CARNET_EXTRANJERIA', '001234567')).toBeUndefined();
    expect(documentNumberProblem('CARNET_EXTRANJERIA', '12')).toBeDefined();
    expect(documentNumberProblem('PASAPORTE', 'AB123456')).toBeUndefined();
    expect(documentNumberProblem('PASAPORTE', 'AB 123')).toBeDefined();
    expect(documentNumberProblem('OTROS', '1234567890', 'CNV')).toBeUndefined();
    expect(documentNumberProblem('OTROS', '12ab', 'CNV')).toBeDefined();
  });
});
