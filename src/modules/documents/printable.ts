import type { AttentionDetailDto } from '../attentions/attentions.schemas.js';
import { timeInLima, todayInLima } from '../../shared/time.js';
import type { ClinicHeader } from './pdf-layout.js';

/** Everything a printed format shows, gathered by the service before rendering. */
export interface PrintContext {
  clinic: ClinicHeader;
  attention: AttentionDetailDto;
  code: string;
  verifyUrl: string;
  qr: Buffer;
  issuedAt: Date;
  /** Who signs the PDF digitally (certificate subject), or null when unsigned. */
  signedBy: string | null;
}

export const TIPO_DOCUMENTO_LABEL: Record<string, string> = {
  DNI: 'DNI', CARNET_EXTRANJERIA: 'Carné de extranjería', PASAPORTE: 'Pasaporte', RUC: 'RUC', OTROS: 'Documento',
};

/** dd/mm/aaaa from YYYY-MM-DD. */
export function displayDate(iso: string): string {
  const [y, m, d] = iso.slice(0, 10).split('-');
  return `${d}/${m}/${y}`;
}

export function limaDisplay(at: Date | string): string {
  const date = typeof at === 'string' ? new Date(at) : at;
  return `${displayDate(todayInLima(date))} ${timeInLima(date)}`;
}

export function addDays(iso: string, days: number): string {
  const d = new Date(`${iso}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function patientDocument(p: AttentionDetailDto['patient']): string {
  const label = TIPO_DOCUMENTO_LABEL[p.tipoDocumento] ?? p.tipoDocumento;
  return p.numeroDocumento ? `${label} ${p.numeroDocumento}` : `${label}: sin número`;
}

export function signatureLines(ctx: PrintContext): string[] {
  return ctx.signedBy
    ? [`Firmado digitalmente por ${ctx.signedBy}`, `Fecha y hora de firma: ${limaDisplay(ctx.issuedAt)}`]
    : ['Documento sin firma digital: requiere firma manuscrita y sello del médico.'];
}

export function footerText(ctx: PrintContext): string {
  return `Código de verificación ${ctx.code} · ${ctx.verifyUrl}`;
}
