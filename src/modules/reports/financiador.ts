/**
 * Who pays for an attention, as the HIS sheet and SUSALUD ask for it, derived from the
 * appointment: SEGURO → the insurance type (SIS, ESSALUD, EPS, SOAT, PRIVADO, OTRO); PAGADO,
 * PENDIENTE or ANULADO → PAGANTE (the patient pays); no appointment → NO_REGISTRADO.
 */
export const FINANCIADORES = ['PAGANTE', 'SIS', 'ESSALUD', 'EPS', 'SOAT', 'PRIVADO', 'OTRO', 'NO_REGISTRADO'] as const;
export type Financiador = (typeof FINANCIADORES)[number];

export function financiador(infoPago: string | null, seguroTipo: string | null): Financiador {
  if (infoPago === null) return 'NO_REGISTRADO';
  if (infoPago !== 'SEGURO') return 'PAGANTE';
  return (FINANCIADORES as readonly string[]).includes(seguroTipo ?? '') ? (seguroTipo as Financiador) : 'OTRO';
}
