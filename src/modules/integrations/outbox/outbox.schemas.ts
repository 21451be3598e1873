import { z } from 'zod';

export const OUTBOX_ESTADOS = ['PENDIENTE', 'ENVIADO', 'FALLIDO'] as const;
export const OUTBOX_EVENT_TYPES = ['appointment.created', 'appointment.rescheduled', 'appointment.cancelled', 'attention.finalized'] as const;
export type OutboxEventType = (typeof OUTBOX_EVENT_TYPES)[number];

export const listEventsQuery = z.strictObject({
  estado: z.enum(OUTBOX_ESTADOS, { message: `Use ${OUTBOX_ESTADOS.join(', ')}` }).optional(),
  event_type: z.enum(OUTBOX_EVENT_TYPES, { message: `Use ${OUTBOX_EVENT_TYPES.join(', ')}` }).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type ListEventsQuery = z.infer<typeof listEventsQuery>;

/** No payload here: it carries patient identifiers, and ADMIN has no clinical access. */
export const eventSchema = z.object({
  id: z.uuid().describe('También X-HCE-Event-Id de la entrega'),
  eventType: z.enum(OUTBOX_EVENT_TYPES),
  aggregateId: z.uuid().describe('La cita (o la atención sin cita) del evento'),
  destino: z.string(),
  estado: z.enum(OUTBOX_ESTADOS),
  attempts: z.number().int(),
  nextAttemptAt: z.string().nullable().describe('Próximo intento (solo PENDIENTE)'),
  lastStatus: z.number().int().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
});
export type EventDto = z.infer<typeof eventSchema>;
