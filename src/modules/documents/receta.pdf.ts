import { PdfWriter } from './pdf-layout.js';
import { addDays, displayDate, footerText, limaDisplay, patientDocument, signatureLines, type PrintContext } from './printable.js';
import { todayInLima } from '../../shared/time.js';

export const CONTROLLED_NOTE = 'Requiere(n) la receta especial oficial para estupefacientes y psicotrópicos (DS 023-2001-SA); no se incluye(n) en esta receta.';

/**
 * The outpatient prescription. Medicines under special control are left out: the law asks for
 * the official numbered form, so printing them here would give a pharmacy a receta it must refuse.
 */
export async function renderReceta(ctx: PrintContext, validezDias: number): Promise<{ pdf: Buffer; omitted: string[] }> {
  const a = ctx.attention;
  const fecha = todayInLima(new Date(a.fechaAtencion));
  const active = a.prescriptions.filter((p) => p.deletedAt === null);
  const printable = active.filter((p) => !p.medicamento.controlado);
  const omitted = active.filter((p) => p.medicamento.controlado).map((p) => p.medicamento.dci);
  const w = new PdfWriter({ size: 'A4', title: 'Receta médica', author: a.firmante?.nombreCompleto ?? a.doctor.nombreCompleto, createdAt: ctx.issuedAt });
  w.header(ctx.clinic, 'RECETA MÉDICA', ctx.qr);
  w.fields([
    ['Paciente', a.patient.nombreCompleto],
    ['Historia clínica', a.patient.numeroHistoriaClinica],
    ['Documento', patientDocument(a.patient)],
    ['Edad', `${a.patient.edad} ${a.patient.edad === 1 ? 'año' : 'años'}`],
    ['Fecha', displayDate(fecha)],
    ['Válida hasta', `${displayDate(addDays(fecha, validezDias))} (${validezDias} días)`],
  ]);
  w.section('Rp.');
  if (printable.length === 0) w.paragraph('Sin medicamentos de receta común en esta atención.', { muted: true });
  printable.forEach((p, i) => {
    const m = p.medicamento;
    const title = [m.dci, m.concentracion].filter(Boolean).join(' ') + (m.formaFarmaceutica ? ` — ${m.formaFarmaceutica}` : '');
    w.item(i + 1, title, [
      `Dosis: ${p.dosis} · Vía: ${p.via} · Frecuencia: ${p.frecuencia} · Duración: ${p.duracion}`,
      `Cantidad: ${p.cantidad}${m.codigoAtc ? ` · ATC ${m.codigoAtc}` : ''}`,
      ...(p.indicaciones ? [`Indicaciones: ${p.indicaciones}`] : []),
    ]);
  });
  if (omitted.length > 0) w.notice(`Medicamento(s) controlado(s) omitido(s): ${omitted.join(', ')}. ${CONTROLLED_NOTE}`);
  const signer = a.firmante ?? { nombreCompleto: a.doctor.nombreCompleto, cmp: a.doctor.cmp };
  w.signatureBlock(signer.nombreCompleto, signer.cmp, signatureLines(ctx));
  w.paragraph(`Emitida el ${limaDisplay(ctx.issuedAt)}. Verifique su autenticidad en ${ctx.verifyUrl}`, { muted: true, size: 7.5 });
  return { pdf: await w.finish(footerText(ctx)), omitted };
}
