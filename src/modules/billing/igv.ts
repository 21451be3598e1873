/**
 * Amounts of one invoice line. Tariff prices are what the patient pays, IGV included (the
 * Código de Protección y Defensa del Consumidor asks prices to be shown with taxes), so for a
 * taxed line (catálogo 07 codes 1x) the taxable value is backed out of the price; exempt,
 * unaffected and export lines carry no IGV.
 */
export function lineAmounts(precio: number, codigoAfectacionIgv: string, porcentajeIgv: number): { valorVenta: number; igv: number; total: number } {
  const cents = Math.round(precio * 100);
  if (!codigoAfectacionIgv.startsWith('1')) return { valorVenta: cents / 100, igv: 0, total: cents / 100 };
  const base = Math.round(cents / (1 + porcentajeIgv / 100));
  return { valorVenta: base / 100, igv: (cents - base) / 100, total: cents / 100 };
}

/** SUNAT catálogo 06 (tipo de documento de identidad) for the patient's document type. */
export const SUNAT_TIPO_DOCUMENTO: Record<string, string> = {
  DNI: '1', CARNET_EXTRANJERIA: '4', RUC: '6', PASAPORTE: '7', OTROS: '0',
};

export const round2 = (n: number) => Math.round(n * 100) / 100;
