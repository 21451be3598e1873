import { z } from 'zod';
import { ValidationError } from '../../shared/errors.js';
import { isoDate } from '../../shared/http/validators.js';
import { parseEpiWeek } from './epi-week.js';

/** Longest range a report covers in one request (a year and a day). */
export const MAX_REPORT_DAYS = 366;

export const periodFields = {
  desde: isoDate.optional(),
  hasta: isoDate.optional(),
  semana: z.string().regex(/^\d{4}-\d{2}$/, 'Semana epidemiológica AAAA-SS, con dos dígitos (ej. 2026-05)').optional(),
  formato: z.enum(['json', 'csv'], { message: 'Use json o csv' }).default('json'),
};

export interface Period {
  desde: string;
  hasta: string;
  semana: string | null;
}

const days = (a: string, b: string) => (Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000;

/** `?semana=2026-05` or `?desde=&hasta=` (both dates included), never both. */
export function resolvePeriod(q: { desde?: string | undefined; hasta?: string | undefined; semana?: string | undefined }): Period {
  if (q.semana !== undefined) {
    if (q.desde !== undefined || q.hasta !== undefined) {
      throw new ValidationError([{ path: 'semana', message: 'Indique semana o desde/hasta, no ambos.' }]);
    }
    const week = parseEpiWeek(q.semana);
    if (!week) throw new ValidationError([{ path: 'semana', message: `La semana ${q.semana} no existe en ese año epidemiológico.` }]);
    return { desde: week.desde, hasta: week.hasta, semana: q.semana };
  }
  const errors = [];
  if (!q.desde) errors.push({ path: 'desde', message: 'Indique desde (AAAA-MM-DD) o una semana epidemiológica.' });
  if (!q.hasta) errors.push({ path: 'hasta', message: 'Indique hasta (AAAA-MM-DD) o una semana epidemiológica.' });
  if (errors.length) throw new ValidationError(errors);
  if (q.hasta! < q.desde!) throw new ValidationError([{ path: 'hasta', message: 'hasta es anterior a desde.' }]);
  if (days(q.desde!, q.hasta!) >= MAX_REPORT_DAYS) {
    throw new ValidationError([{ path: 'hasta', message: `El rango no puede superar ${MAX_REPORT_DAYS} días.` }]);
  }
  return { desde: q.desde!, hasta: q.hasta!, semana: null };
}

/** The next calendar day (YYYY-MM-DD). */
export function nextDay(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}
