import { describe, expect, it } from 'vitest';
import { lineAmounts } from './igv.js';

describe('invoice line amounts (prices include IGV)', () => {
  it('backs the taxable value out of a taxed price, to the cent', () => {
    expect(lineAmounts(150, '10', 18)).toEqual({ valorVenta: 127.12, igv: 22.88, total: 150 });
    expect(lineAmounts(60, '10', 18)).toEqual({ valorVenta: 50.85, igv: 9.15, total: 60 });
    expect(lineAmounts(0.01, '10', 18)).toEqual({ valorVenta: 0.01, igv: 0, total: 0.01 });
    expect(lineAmounts(118, '17', 18)).toEqual({ valorVenta: 100, igv: 18, total: 118 });
  });

  it('charges no IGV on exempt, unaffected and export lines', () => {
    for (const code of ['20', '30', '40']) expect(lineAmounts(120.5, code, 18)).toEqual({ valorVenta: 120.5, igv: 0, total: 120.5 });
  });
});
