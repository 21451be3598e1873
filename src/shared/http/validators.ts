import { z } from 'zod';

// Control characters (C0, DEL, C1) are never valid in stored text.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS_NO_NEWLINE = /[\u0000-\u001F\u007F-\u009F]/;

/** Trimmed, NFC-normalised single-line text without control characters. */
export function text(max: number, min = 1) {
  return z
    .string()
    .transform((v) => v.normalize('NFC').trim())
    .pipe(
      z
        .string()
        .min(min, min === 1 ? 'No puede estar vacío' : `Debe tener al menos ${min} caracteres`)
        .max(max, `No puede superar ${max} caracteres`)
        .refine((v) => !CONTROL_CHARS_NO_NEWLINE.test(v), 'Contiene caracteres de control no permitidos'),
    );
}

/** Multi-line free text (clinical notes): newlines and tabs allowed, other control characters not. */
export function longText(max: number, min = 1) {
  return z
    .string()
    .transform((v) => v.normalize('NFC').trim())
    .pipe(
      z
        .string()
        .min(min, 'No puede estar vacío')
        .max(max, `No puede superar ${max} caracteres`)
        .refine((v) => !CONTROL_CHARS.test(v), 'Contiene caracteres de control no permitidos'),
    );
}

const NAME_PATTERN = /^\p{L}[\p{L}\p{M}'’ .-]*$/u;

/** Person names: letters (accents, ñ), apostrophe, hyphen, spaces; trimmed, NFC, single spaces. */
export function personName(max = 80) {
  return z
    .string()
    .transform((v) => v.normalize('NFC').trim().replace(/\s+/g, ' '))
    .pipe(
      z
        .string()
        .min(1, 'No puede estar vacío')
        .max(max, `No puede superar ${max} caracteres`)
        .regex(NAME_PATTERN, 'Solo se permiten letras, espacios, apóstrofo y guion'),
    );
}

export const email = z
  .string()
  .transform((v) => v.trim().toLowerCase())
  .pipe(z.email('Correo electrónico inválido').max(254, 'Correo electrónico demasiado largo'));

export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'Use el formato AAAA-MM-DD')
  .refine((v) => {
    const d = new Date(`${v}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
  }, 'Fecha inexistente');

export const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Use el formato HH:MM (24 horas)');

export const booleanQuery = z
  .enum(['true', 'false'], { message: 'Use true o false' })
  .transform((v) => v === 'true');
