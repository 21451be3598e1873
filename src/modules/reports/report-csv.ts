import type { z } from 'zod';
import { toCsv } from './csv.js';
import type { EpiNotificationDto } from './epidemiology.schemas.js';
import { LIFE_STAGES } from './life-stages.js';
import type { hisSchema, morbiditySchema, productionSchema } from './reports.schemas.js';

/** The CSV shape of each report: one row per line the clinic's staff would type elsewhere. */

export function epiCsv(rows: EpiNotificationDto[]): string {
  return toCsv(
    ['semana', 'fecha_inicio_sintomas', 'fecha_diagnostico', 'enfermedad', 'cie_code', 'tipo_diagnostico', 'periodicidad', 'estado', 'paciente',
      'tipo_documento', 'numero_documento', 'historia_clinica', 'sexo', 'edad', 'ubigeo', 'departamento', 'provincia', 'distrito', 'medico', 'cmp',
      'notificada_at', 'codigo_notiweb'],
    rows.map((r) => [r.semana, r.fechaInicioSintomas, r.fechaDiagnostico, r.enfermedad.nombre, r.cie_code, r.tipoDiagnostico, r.periodicidad, r.estado,
      r.paciente.nombreCompleto, r.paciente.tipoDocumento, r.paciente.numeroDocumento, r.paciente.numeroHistoriaClinica, r.paciente.sexo, r.paciente.edad,
      r.ubigeo, r.departamento, r.provincia, r.distrito, r.doctor.nombreCompleto, r.doctor.cmp, r.notificadaAt, r.codigoNotiweb]),
  );
}

export function productionCsv(report: z.infer<typeof productionSchema>): string {
  return toCsv(
    ['mes', 'servicio_codigo', 'servicio', 'especialidad', 'sexo', 'grupo_edad', 'atenciones', 'atendidos', 'reatenciones', 'pacientes'],
    report.data.map((r) => [r.mes, r.servicioCodigo, r.servicio, r.especialidad, r.sexo, r.grupoEdad, r.atenciones, r.atendidos, r.reatenciones, r.pacientes]),
  );
}

export function morbidityCsv(report: z.infer<typeof morbiditySchema>): string {
  return toCsv(
    ['rank', 'cie_code', 'descripcion', 'total', 'M', 'F', 'OTRO', ...LIFE_STAGES.map((s) => s.codigo)],
    report.data.map((r) => [r.rank, r.cie_code, r.descripcion, r.total, r.porSexo.M, r.porSexo.F, r.porSexo.OTRO, ...LIFE_STAGES.map((s) => r.porGrupoEdad[s.codigo])]),
  );
}

const MAX_HIS_DIAGNOSES = 3;

export function hisCsv(report: z.infer<typeof hisSchema>): string {
  const dxHeader = Array.from({ length: MAX_HIS_DIAGNOSES }, (_, i) => [`diagnostico_${i + 1}`, `tipo_${i + 1}`]).flat();
  return toCsv(
    ['numero', 'fecha', 'hora', 'tipo_documento', 'numero_documento', 'historia_clinica', 'edad', 'tipo_edad', 'sexo', 'ubigeo', 'distrito',
      'financiador', 'establecimiento', 'servicio', ...dxHeader, 'otros_diagnosticos', 'lab_procedimientos'],
    report.data.map((r) => {
      const dx = Array.from({ length: MAX_HIS_DIAGNOSES }, (_, i) => [r.diagnosticos[i]?.cie_code ?? '', r.diagnosticos[i]?.tipoHis ?? '']).flat();
      const extra = r.diagnosticos.slice(MAX_HIS_DIAGNOSES).map((d) => `${d.cie_code} ${d.tipoHis}`).join('; ');
      const labs = r.procedimientos.map((p) => p.codigo ?? p.nombre ?? p.tipo).join('; ');
      return [r.numero, r.fecha, r.hora, r.tipoDocumento, r.numeroDocumento, r.numeroHistoriaClinica, r.edad, r.tipoEdad, r.sexo, r.ubigeo, r.distrito,
        r.financiador, r.estadoEstablecimiento, r.estadoServicio, ...dx, extra, labs];
    }),
  );
}
