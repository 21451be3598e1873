import { z } from 'zod';
import { longText, text } from '../../shared/http/validators.js';
import { TEMPLATE_TYPES } from './catalogs.table.js';

/**
 * Placeholders a template may contain; the front end (or the clinical module) replaces them
 * with the patient's and doctor's data when the template is applied. Any other `{{…}}` is
 * refused, so a typo never reaches a clinical note as literal braces.
 */
export const TEMPLATE_PLACEHOLDERS = {
  'paciente.nombreCompleto': 'Nombres y apellidos del paciente',
  'paciente.nombres': 'Nombres del paciente',
  'paciente.edad': 'Edad del paciente (p. ej. "34 años", "8 meses")',
  'paciente.sexo': 'Sexo del paciente (masculino/femenino)',
  'medico.nombreCompleto': 'Nombres y apellidos del médico que atiende',
  'medico.cmp': 'Número de colegiatura (CMP) del médico',
  fecha: 'Fecha de la atención (DD/MM/AAAA, hora de Lima)',
  hora: 'Hora de la atención (HH:MM, hora de Lima)',
} as const;

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** Placeholders used in a text, and the problems found (unknown names, stray braces). */
export function inspectPlaceholders(content: string): { used: string[]; problems: string[] } {
  const used: string[] = [];
  const problems: string[] = [];
  for (const match of content.matchAll(PLACEHOLDER)) {
    const name = match[1] ?? '';
    if (!Object.hasOwn(TEMPLATE_PLACEHOLDERS, name)) problems.push(`Marcador desconocido {{${name}}}.`);
    else if (!used.includes(name)) used.push(name);
  }
  const rest = content.replace(PLACEHOLDER, '');
  if (rest.includes('{{') || rest.includes('}}')) problems.push('Hay llaves {{ }} sin cerrar o mal formadas.');
  return { used, problems };
}

const templateType = z.enum(TEMPLATE_TYPES, { message: `Tipo inválido: use ${TEMPLATE_TYPES.join(', ')}` });

const contenido = longText(20_000).superRefine((value, ctx) => {
  const { problems } = inspectPlaceholders(value);
  const allowed = Object.keys(TEMPLATE_PLACEHOLDERS).map((k) => `{{${k}}}`).join(', ');
  for (const problem of problems) ctx.addIssue({ code: 'custom', message: `${problem} Marcadores permitidos: ${allowed}.` });
});

export const templateTypeParams = z.object({ type: templateType });
export const templateListQuery = z.strictObject({ incluirInactivas: z.enum(['true', 'false'], { message: 'Use true o false' }).transform((v) => v === 'true').optional() });

export const createTemplateBody = z.strictObject({
  tipo: templateType,
  nombre: text(150),
  contenido,
  activo: z.boolean().default(true),
});
export type CreateTemplateInput = z.infer<typeof createTemplateBody>;

export const updateTemplateBody = z.strictObject({
  tipo: templateType.optional(),
  nombre: text(150).optional(),
  contenido: contenido.optional(),
  activo: z.boolean().optional(),
});
export type UpdateTemplateInput = z.infer<typeof updateTemplateBody>;

export const templateSchema = z.object({
  id: z.uuid(),
  tipo: templateType,
  nombre: z.string(),
  contenido: z.string(),
  activo: z.boolean(),
  /** Placeholders the text uses, so a client knows what to fill in. */
  marcadores: z.array(z.string()),
  createdBy: z.string().nullable(),
  updatedBy: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type TemplateDto = z.infer<typeof templateSchema>;

export const placeholderListSchema = z.array(z.object({ marcador: z.string(), descripcion: z.string() }));
export const templateListSchema = z.object({ data: z.array(templateSchema), marcadores: placeholderListSchema });

export function placeholderList() {
  return Object.entries(TEMPLATE_PLACEHOLDERS).map(([k, descripcion]) => ({ marcador: `{{${k}}}`, descripcion }));
}
