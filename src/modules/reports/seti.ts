import iconv from 'iconv-lite';
import { financiador, type Financiador } from './financiador.js';
import { lifeStage } from './life-stages.js';
import type { AttentionFact, DiagnosisFact, OrderFact } from './reports.repository.js';
import { ageInYears } from '../../shared/time.js';

/**
 * SETI-IPRESS submissions (RS 092-2014-SUSALUD/S): one pipe-delimited, Windows-1252 text file
 * per table and month, named {IPRESS}_{YYYY}_{MM}_{suffix}.TXT. The layouts follow the public
 * reference implementation csotelo/peru-susalud-seti (v0.10, "Manual Técnico SUSALUD 2024"):
 * only the tables an outpatient clinic produces are generated; see docs/compliance.md for the
 * codes that still need the clinic's confirmation (UPS, funding source, poverty level).
 */
export const SETI_TABLES = {
  B1: { sufijo: 'TBB1', nombre: 'Producción de consulta externa' },
  D1: { sufijo: 'TDD1', nombre: 'Producción en emergencia' },
  D2: { sufijo: 'TDD2', nombre: 'Morbilidad en emergencia' },
  G: { sufijo: 'TGG0', nombre: 'Producción de procedimientos (laboratorio)' },
} as const;
export type SetiTable = keyof typeof SETI_TABLES;

/** RENIPRESS UPS codes as in the reference implementation's examples. */
export const SETI_UPS = { CONSULTA_EXTERNA: '301601', EMERGENCIA: '301602', LABORATORIO: '302301' } as const;
const GENDER: Record<string, string> = { M: '1', F: '2', OTRO: '3' };
const FUNDING: Record<Financiador, string> = { SIS: '1', ESSALUD: '2', EPS: '3', PAGANTE: '4', SOAT: '5', PRIVADO: '6', OTRO: '7', NO_REGISTRADO: '9' };
/** Not recorded by the clinic; the reference implementation's default. */
const POVERTY_LEVEL = '3';

export interface SetiContext {
  periodo: string;
  ipress: string;
  facts: AttentionFact[];
  diagnoses: DiagnosisFact[];
  orders: OrderFact[];
}

interface Keyed {
  key: string[];
  patients: Set<string>;
  first: number;
  count: number;
}

function group<T>(items: T[], keyOf: (t: T) => string[], patientOf: (t: T) => string, isFirst: (t: T) => boolean): Keyed[] {
  const map = new Map<string, Keyed>();
  for (const item of items) {
    const key = keyOf(item);
    const id = key.join('|');
    const g = map.get(id) ?? { key, patients: new Set<string>(), first: 0, count: 0 };
    g.patients.add(patientOf(item));
    g.count += 1;
    if (isFirst(item)) g.first += 1;
    map.set(id, g);
  }
  return [...map.values()].sort((a, b) => a.key.join('|').localeCompare(b.key.join('|')));
}

function demographics(f: AttentionFact) {
  return [lifeStage(ageInYears(f.fechaNacimiento, f.fecha)).seti, GENDER[f.sexo] ?? '3'];
}

const funding = (f: AttentionFact) => FUNDING[financiador(f.infoPago, f.seguroTipo)];

/** The table's lines (without line breaks), each field in layout order. */
export function setiLines(table: SetiTable, ctx: SetiContext): string[][] {
  const head = [ctx.periodo, ctx.ipress, ctx.ipress];
  const outpatient = ctx.facts.filter((f) => f.tipoAtencion !== 'EMERGENCIA');
  const emergency = ctx.facts.filter((f) => f.tipoAtencion === 'EMERGENCIA');
  // "Atendidos" are first visits of the year in the establishment (nuevos and reingresantes).
  const firstOfYear = (f: AttentionFact) => f.estadoEstablecimiento !== 'C';
  if (table === 'B1' || table === 'D1') {
    const ups = table === 'B1' ? SETI_UPS.CONSULTA_EXTERNA : SETI_UPS.EMERGENCIA;
    return group(table === 'B1' ? outpatient : emergency, (f) => [...demographics(f), funding(f)], (f) => f.patientId, firstOfYear)
      .map((g) => [...head, ups, g.key[0]!, g.key[1]!, String(g.first), String(g.count), POVERTY_LEVEL, g.key[2]!]);
  }
  const byId = new Map(ctx.facts.map((f) => [f.id, f]));
  if (table === 'D2') {
    const rows = ctx.diagnoses.flatMap((d) => {
      const f = byId.get(d.attentionId);
      return f && f.tipoAtencion === 'EMERGENCIA' ? [{ d, f }] : [];
    });
    return group(rows, ({ d, f }) => [...demographics(f), d.cieCode.replace('.', ''), d.repetido ? 'R' : d.type === 'DEFINITIVO' ? 'D' : 'P', funding(f)], ({ f }) => f.patientId, () => true)
      .map((g) => [...head, SETI_UPS.EMERGENCIA, g.key[0]!, g.key[1]!, g.key[2]!, g.key[3]!, String(g.count), POVERTY_LEVEL, g.key[4]!]);
  }
  const labs = ctx.orders.flatMap((o) => {
    const f = byId.get(o.attentionId);
    return f && o.tipo === 'LABORATORIO' ? [{ o, f }] : [];
  });
  return group(labs, ({ f }) => [...demographics(f), funding(f)], ({ f }) => f.patientId, () => true)
    .map((g) => [...head, SETI_UPS.LABORATORIO, g.key[0]!, g.key[1]!, String(g.patients.size), String(g.count), POVERTY_LEVEL, g.key[2]!]);
}

/** Pipe-delimited lines in Windows-1252 ("ANSI"), as SUSALUD's validator reads them. */
export function encodeSetiFile(lines: string[][]): Buffer {
  const text = lines.map((fields) => fields.map((f) => f.replace(/[|\r\n]/g, ' ')).join('|')).join('\n');
  return iconv.encode(lines.length ? `${text}\n` : '', 'win1252');
}

export function setiFileName(ipress: string, anio: number, mes: number, table: SetiTable): string {
  return `${ipress}_${anio}_${String(mes).padStart(2, '0')}_${SETI_TABLES[table].sufijo}.TXT`;
}
