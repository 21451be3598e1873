import type { AppConfig } from '../../config/env.js';
import type { Db } from '../../db/client.js';
import { ServiceUnavailableError } from '../../shared/errors.js';
import { ageInYears } from '../../shared/time.js';
import type { AuditActor, AuditService } from '../audit/audit.service.js';
import type { CatalogsService } from '../catalogs/catalogs.service.js';
import { LIFE_STAGES, lifeStage, type LifeStageCode } from './life-stages.js';
import type { Period } from './period.js';
import { reportsRepository, type AttentionFact } from './reports.repository.js';
import { encodeSetiFile, setiFileName, setiLines, SETI_TABLES, type SetiTable } from './seti.js';

const SEXOS = ['M', 'F', 'OTRO'] as const;
type Counts<K extends string> = Record<K, number>;
const zeroSexes = (): Counts<(typeof SEXOS)[number]> => ({ M: 0, F: 0, OTRO: 0 });
const zeroStages = () => Object.fromEntries(LIFE_STAGES.map((s) => [s.codigo, 0])) as Counts<LifeStageCode>;

function stageOf(f: AttentionFact): LifeStageCode {
  return lifeStage(ageInYears(f.fechaNacimiento, f.fecha)).codigo;
}

function lastDay(anio: number, mes: number): string {
  return new Date(Date.UTC(anio, mes, 0)).toISOString().slice(0, 10);
}

/**
 * Outpatient production and morbidity for SUSALUD (RS 092-2014-SUSALUD/S). Counting follows
 * MINSA's usage: an "atención" is every visit; an "atendido" is the patient's first visit of
 * the calendar year in the establishment (nuevo or reingresante); the rest are reatenciones.
 */
export class SusaludService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly catalogs: CatalogsService,
    private readonly config: AppConfig,
  ) {}

  private async generated(actor: AuditActor, reporte: string, details: Record<string, unknown>): Promise<void> {
    await this.audit.recordRead(actor, { action: 'REPORT_GENERATED', entity: 'report', details: { reporte, ...details } });
  }

  async production(actor: AuditActor, period: Period) {
    const facts = await reportsRepository.attentionFacts(this.db, period);
    const groups = new Map<string, { mes: string; servicioCodigo: string; servicio: string; especialidad: string; sexo: string; grupoEdad: LifeStageCode; atenciones: number; atendidos: number; pacientes: Set<string> }>();
    for (const f of facts) {
      const grupoEdad = stageOf(f);
      const key = [f.fecha.slice(0, 7), f.especialidad, f.servicioCodigo, f.sexo, grupoEdad].join('|');
      const g = groups.get(key) ?? { mes: f.fecha.slice(0, 7), servicioCodigo: f.servicioCodigo, servicio: f.servicioNombre, especialidad: f.especialidad, sexo: f.sexo, grupoEdad, atenciones: 0, atendidos: 0, pacientes: new Set<string>() };
      g.atenciones += 1;
      if (f.estadoEstablecimiento !== 'C') g.atendidos += 1;
      g.pacientes.add(f.patientId);
      groups.set(key, g);
    }
    const stageOrder = (c: LifeStageCode) => LIFE_STAGES.findIndex((s) => s.codigo === c);
    const data = [...groups.values()]
      .sort((a, b) => a.mes.localeCompare(b.mes) || a.especialidad.localeCompare(b.especialidad) || a.servicioCodigo.localeCompare(b.servicioCodigo)
        || a.sexo.localeCompare(b.sexo) || stageOrder(a.grupoEdad) - stageOrder(b.grupoEdad))
      .map(({ pacientes, ...g }) => ({ ...g, reatenciones: g.atenciones - g.atendidos, pacientes: pacientes.size }));
    const atendidos = facts.filter((f) => f.estadoEstablecimiento !== 'C').length;
    const totales = {
      atenciones: facts.length, atendidos, reatenciones: facts.length - atendidos, pacientes: new Set(facts.map((f) => f.patientId)).size,
      nuevos: facts.filter((f) => f.estadoEstablecimiento === 'N').length,
      continuadores: facts.filter((f) => f.estadoEstablecimiento === 'C').length,
      reingresantes: facts.filter((f) => f.estadoEstablecimiento === 'R').length,
    };
    await this.generated(actor, 'susalud_produccion', { desde: period.desde, hasta: period.hasta, filas: data.length });
    return { desde: period.desde, hasta: period.hasta, semana: period.semana, totales, data };
  }

  async morbidity(actor: AuditActor, period: Period, top: number) {
    const [facts, diagnoses] = await Promise.all([reportsRepository.attentionFacts(this.db, period), reportsRepository.diagnosisFacts(this.db, period)]);
    const byId = new Map(facts.map((f) => [f.id, f]));
    const codes = new Map<string, { total: number; porSexo: Counts<(typeof SEXOS)[number]>; porGrupoEdad: Counts<LifeStageCode>; descripcion: string }>();
    for (const d of diagnoses) {
      const f = byId.get(d.attentionId);
      if (!f) continue;
      const c = codes.get(d.cieCode) ?? { total: 0, porSexo: zeroSexes(), porGrupoEdad: zeroStages(), descripcion: d.description };
      c.total += 1;
      c.porSexo[(SEXOS as readonly string[]).includes(f.sexo) ? (f.sexo as (typeof SEXOS)[number]) : 'OTRO'] += 1;
      c.porGrupoEdad[stageOf(f)] += 1;
      codes.set(d.cieCode, c);
    }
    const ranked = [...codes.entries()].sort((a, b) => b[1].total - a[1].total || a[0].localeCompare(b[0])).slice(0, top);
    const names = await Promise.all(ranked.map(([code]) => this.catalogs.getDiagnosis(this.db, code)));
    const data = ranked.map(([code, c], i) => ({ rank: i + 1, cie_code: code, ...c, descripcion: names[i]?.descripcion ?? c.descripcion }));
    await this.generated(actor, 'susalud_morbilidad', { desde: period.desde, hasta: period.hasta, filas: data.length });
    return { desde: period.desde, hasta: period.hasta, semana: period.semana, totalDiagnosticos: diagnoses.length, codigosDistintos: codes.size, data };
  }

  async seti(actor: AuditActor, anio: number, mes: number, table: SetiTable): Promise<{ filename: string; body: Buffer; lines: number }> {
    const ipress = this.config.IPRESS_CODE;
    if (!ipress) throw new ServiceUnavailableError('IPRESS_NOT_CONFIGURED', 'Configure IPRESS_CODE (código RENIPRESS de 8 dígitos) para generar los archivos SETI-IPRESS.');
    const period = { desde: `${anio}-${String(mes).padStart(2, '0')}-01`, hasta: lastDay(anio, mes) };
    const [facts, diagnoses, orders] = await Promise.all([
      reportsRepository.attentionFacts(this.db, period), reportsRepository.diagnosisFacts(this.db, period), reportsRepository.orderFacts(this.db, period),
    ]);
    const lines = setiLines(table, { periodo: `${anio}${String(mes).padStart(2, '0')}`, ipress, facts, diagnoses, orders });
    const filename = setiFileName(ipress, anio, mes, table);
    await this.generated(actor, 'seti_ipress', { tabla: table, archivo: filename, nombre: SETI_TABLES[table].nombre, lineas: lines.length });
    return { filename, body: encodeSetiFile(lines), lines: lines.length };
  }
}
