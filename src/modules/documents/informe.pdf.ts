import { PdfWriter } from './pdf-layout.js';
import { displayDate, footerText, limaDisplay, patientDocument, signatureLines, type PrintContext } from './printable.js';

export interface InformeExtras {
  consents: { tipo: string; procedimiento: string; firmadoPor: string; nombreFirmante: string; fecha: string }[];
  reactions: { medicamento: string; reaccion: string; severidad: string; desenlace: string; fechaInicio: string }[];
  recordSignature: { subject: string; signedAt: Date } | null;
}

const SEXO: Record<string, string> = { M: 'Masculino', F: 'Femenino' };

function antecedentesText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  return Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`).join('; ');
}

/** A readable summary of one finalized attention (NTS 139 outpatient format, as recorded). */
export async function renderInforme(ctx: PrintContext, extras: InformeExtras): Promise<Buffer> {
  const a = ctx.attention;
  const w = new PdfWriter({ size: 'A4', title: 'Informe de atención ambulatoria', author: a.firmante?.nombreCompleto ?? a.doctor.nombreCompleto, createdAt: ctx.issuedAt });
  w.header(ctx.clinic, 'INFORME DE ATENCIÓN AMBULATORIA', ctx.qr);
  w.section('PACIENTE');
  w.fields([
    ['Nombre', a.patient.nombreCompleto], ['Historia clínica', a.patient.numeroHistoriaClinica], ['Documento', patientDocument(a.patient)],
    ['Edad', `${a.patient.edad} años`], ['Sexo', SEXO[a.patient.sexo] ?? a.patient.sexo],
  ]);
  w.section('ATENCIÓN');
  w.fields([
    ['Fecha y hora', limaDisplay(a.fechaAtencion)], ['Tipo', a.tipoAtencion],
    ['Médico', `${a.doctor.nombreCompleto}${a.doctor.cmp ? ` (CMP ${a.doctor.cmp})` : ''}`], ['Especialidad', a.doctor.especialidad],
  ]);
  w.section('ENFERMEDAD ACTUAL');
  w.fields([
    ['Motivo de consulta', a.motivoConsulta], ['Tiempo de enfermedad', a.tiempoEnfermedad], ['Forma de inicio', a.formaInicio], ['Curso', a.curso],
    ['Anamnesis', a.anamnesis], ['Antecedentes', antecedentesText(a.antecedentes)],
    ['Funciones biológicas', a.funcionesBiologicas ? Object.entries(a.funcionesBiologicas).filter(([, v]) => v).map(([k, v]) => `${k}: ${v}`).join('; ') : null],
  ]);
  w.section('EXAMEN FÍSICO');
  w.paragraph(a.examenFisico ?? 'No registrado.');
  const v = a.vitals;
  if (v) {
    w.section('SIGNOS VITALES');
    w.fields([
      ['Presión arterial', v.pa_sistolica !== null ? `${v.pa_sistolica}/${v.pa_diastolica} mmHg` : null], ['Frecuencia cardiaca', v.fc !== null ? `${v.fc} lpm` : null],
      ['Frecuencia respiratoria', v.fr !== null ? `${v.fr} rpm` : null], ['Temperatura', v.temp !== null ? `${v.temp} °C` : null],
      ['Saturación de O2', v.satO2 !== null ? `${v.satO2} %` : null], ['Peso', v.peso !== null ? `${v.peso} kg` : null], ['Talla', v.talla !== null ? `${v.talla} m` : null],
      ['IMC', v.imc !== null ? `${v.imc} kg/m²${v.imcCategoria ? ` (${v.imcCategoria.replace(/_/g, ' ').toLowerCase()})` : v.imcPediatrico ? ' (pediátrico: interpretar con tablas por edad)' : ''}` : null],
    ]);
  }
  w.section('DIAGNÓSTICOS (CIE-10)');
  const dx = a.diagnoses.filter((d) => d.deletedAt === null);
  if (dx.length === 0) w.paragraph('Ninguno.', { muted: true });
  dx.forEach((d, i) => w.item(i + 1, `${d.cie_code} — ${d.description}`, [`Tipo: ${d.type}${d.fechaInicioSintomas ? ` · Inicio de síntomas: ${displayDate(d.fechaInicioSintomas)}` : ''}`]));
  w.section('PRESCRIPCIONES');
  const rx = a.prescriptions.filter((p) => p.deletedAt === null);
  if (rx.length === 0) w.paragraph('Ninguna.', { muted: true });
  rx.forEach((p, i) => w.item(i + 1, [p.medicamento.dci, p.medicamento.concentracion, p.medicamento.formaFarmaceutica].filter(Boolean).join(' · '), [
    `${p.dosis} · ${p.via} · ${p.frecuencia} · ${p.duracion} · Cantidad ${p.cantidad}${p.medicamento.codigoAtc ? ` · ATC ${p.medicamento.codigoAtc}` : ''}${p.medicamento.controlado ? ' · controlado (receta especial)' : ''}`,
    ...(p.indicaciones ? [`Indicaciones: ${p.indicaciones}`] : []),
  ]));
  w.section('ÓRDENES');
  const orders = a.orders.filter((o) => o.deletedAt === null);
  if (orders.length === 0) w.paragraph('Ninguna.', { muted: true });
  orders.forEach((o, i) => w.item(i + 1, `${o.numeroOrden} — ${o.tipo}`, [
    o.detalle, ...(o.procedure_code ? [`CPMS ${o.procedure_code}${o.procedureName ? ` ${o.procedureName}` : ''}`] : []), ...(o.indicaciones ? [`Indicaciones: ${o.indicaciones}`] : []),
  ]));
  w.fields([['Plan de trabajo', a.planTrabajo], ['Próxima cita', a.proximaCita ? displayDate(a.proximaCita) : null]]);
  if (a.evolutions.length > 0) {
    w.section('EVOLUCIONES Y ADENDAS');
    a.evolutions.forEach((e, i) => w.item(i + 1, `${limaDisplay(e.fecha_hora)} — ${e.autor.nombreCompleto}${e.autor.cmp ? ` (CMP ${e.autor.cmp})` : ''}${e.adenda ? ' — adenda posterior al cierre' : ''}`,
      [e.notas, ...(e.hash ? [`Hash de adenda: ${e.hash}`] : [])]));
  }
  if (extras.consents.length > 0) {
    w.section('CONSENTIMIENTOS INFORMADOS');
    extras.consents.forEach((c, i) => w.item(i + 1, `${c.tipo} — ${c.procedimiento}`, [`Firmado por ${c.firmadoPor === 'APODERADO' ? 'el apoderado' : 'el paciente'}: ${c.nombreFirmante} · ${displayDate(c.fecha)}`]));
  }
  if (extras.reactions.length > 0) {
    w.section('REACCIONES ADVERSAS NOTIFICADAS (RAM)');
    extras.reactions.forEach((r, i) => w.item(i + 1, `${r.medicamento} — ${r.reaccion}`, [`Severidad ${r.severidad} · Desenlace ${r.desenlace} · Inicio ${displayDate(r.fechaInicio)}`]));
  }
  if (a.attachments.length > 0) {
    w.section('ADJUNTOS');
    w.paragraph(a.attachments.map((x) => x.fileName).join('; '));
  }
  w.section('CIERRE Y SELLO');
  w.fields([
    ['Finalizada', a.finalizedAt ? limaDisplay(a.finalizedAt) : null],
    ['Firmante', a.firmante ? `${a.firmante.nombreCompleto}${a.firmante.cmp ? ` (CMP ${a.firmante.cmp})` : ''}` : null],
    ['Sello SHA-256', a.sealHash],
    ['Firma digital del registro', extras.recordSignature ? `${extras.recordSignature.subject}, ${limaDisplay(extras.recordSignature.signedAt)}` : 'no firmado digitalmente (solo sello de integridad)'],
  ]);
  const signer = a.firmante ?? { nombreCompleto: a.doctor.nombreCompleto, cmp: a.doctor.cmp };
  w.signatureBlock(signer.nombreCompleto, signer.cmp, signatureLines(ctx));
  return w.finish(footerText(ctx));
}
