export const ESTADOS_CITA = ['PENDIENTE', 'CONFIRMADA', 'EN_CONSULTA', 'ATENDIDA', 'CANCELADA', 'REPROGRAMADA'] as const;
export type EstadoCita = (typeof ESTADOS_CITA)[number];
export const INFO_PAGO = ['PAGADO', 'PENDIENTE', 'ANULADO', 'SEGURO'] as const;
export type InfoPago = (typeof INFO_PAGO)[number];

/**
 * The one transition table of the agenda. EN_CONSULTA → ATENDIDA is not here: it happens
 * only when the medical attention is finalized (internal move), never through PUT.
 */
export const TRANSITIONS: Record<EstadoCita, readonly EstadoCita[]> = {
  PENDIENTE: ['CONFIRMADA', 'CANCELADA', 'REPROGRAMADA', 'EN_CONSULTA'],
  CONFIRMADA: ['EN_CONSULTA', 'CANCELADA', 'REPROGRAMADA'],
  REPROGRAMADA: ['CONFIRMADA', 'EN_CONSULTA', 'CANCELADA'],
  EN_CONSULTA: [],
  ATENDIDA: [],
  CANCELADA: [],
};

/** Internal moves driven by the clinical record. */
export const INTERNAL_TRANSITIONS: Record<string, readonly EstadoCita[]> = {
  EN_CONSULTA: ['ATENDIDA'],
};

export function canMove(from: EstadoCita, to: EstadoCita): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Appointments whose date, time or doctor may still change. */
export function isOpen(estado: EstadoCita): boolean {
  return estado === 'PENDIENTE' || estado === 'CONFIRMADA' || estado === 'REPROGRAMADA';
}
