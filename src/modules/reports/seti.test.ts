import { describe, expect, it } from 'vitest';
import { encodeSetiFile, setiFileName } from './seti.js';
import { hisAge } from './his.service.js';

describe('SETI-IPRESS file writer', () => {
  it('writes pipe-delimited Windows-1252 ("ANSI") text, one record per line', () => {
    const bytes = encodeSetiFile([['202605', '00012345', 'PEÑA', 'Piñón José'], ['202605', '00012345', 'a|b', 'x']]);
    // Ñ, ñ, ó and é are single bytes in Windows-1252 (0xD1, 0xF1, 0xF3, 0xE9), never UTF-8 pairs.
    expect([...bytes].filter((b) => b === 0xd1 || b === 0xf1 || b === 0xf3 || b === 0xe9)).toHaveLength(4);
    expect(bytes.includes(0xc3)).toBe(false);
    expect(new TextDecoder('windows-1252').decode(bytes)).toBe('202605|00012345|PEÑA|Piñón José\n202605|00012345|a b|x\n');
  });

  it('writes an empty file for a month without records', () => {
    expect(encodeSetiFile([]).length).toBe(0);
  });

  it('names files {IPRESS}_{YYYY}_{MM}_{suffix}.TXT', () => {
    expect(setiFileName('00012345', 2026, 5, 'B1')).toBe('00012345_2026_05_TBB1.TXT');
    expect(setiFileName('00012345', 2026, 12, 'D2')).toBe('00012345_2026_12_TDD2.TXT');
  });
});

describe('HIS age', () => {
  it('uses years, or months under one year, or days under one month', () => {
    expect(hisAge('1990-05-20', '2026-05-19')).toEqual({ edad: 35, tipoEdad: 'A' });
    expect(hisAge('2025-05-20', '2026-05-20')).toEqual({ edad: 1, tipoEdad: 'A' });
    expect(hisAge('2025-11-30', '2026-05-04')).toEqual({ edad: 5, tipoEdad: 'M' });
    expect(hisAge('2026-04-20', '2026-05-04')).toEqual({ edad: 14, tipoEdad: 'D' });
  });
});
