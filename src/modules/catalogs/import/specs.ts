import { and, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { fold } from '../../../shared/text.js';
import { cieChapterOf, cieLevel, normalizeCieCode } from '../cie10.js';
import { allergenGroups, diagnoses, medications, PROCEDURE_TYPES, procedures, type ProcedureType } from '../catalogs.table.js';
import type { ImportableCatalog } from '../catalogs.schemas.js';
import type { RowReader } from './cells.js';
import { excludedSet, pick, type CatalogSpec } from './spec.js';

type DiagnosisRow = typeof diagnoses.$inferSelect;
type MedicationRow = typeof medications.$inferSelect;
type ProcedureRow = typeof procedures.$inferSelect;
type AllergenRow = typeof allergenGroups.$inferSelect;

export const ATC_CODE = /^[A-Z]\d{2}[A-Z]{2}\d{2}$/;
const ATC_PREFIX = /^[A-Z](\d{2}([A-Z]([A-Z](\d{2})?)?)?)?$/;

// ---------------------------------------------------------------- diagnoses
interface DiagnosisIn {
  sistema: string; codigo: string; descripcion: string; nivel?: number | undefined;
  capitulo?: string | null | undefined; grupo?: string | null | undefined; activo?: boolean | undefined;
}
type DiagnosisValues = Omit<typeof diagnoses.$inferInsert, 'id' | 'createdAt' | 'updatedAt'> & { nivel: number };

const diagnosisSpec: CatalogSpec<DiagnosisIn, DiagnosisRow, DiagnosisValues> = {
  tableName: 'diagnoses',
  aliases: { sistema: [], codigo: ['cie', 'cie10', 'codigocie', 'code'], descripcion: ['descripción', 'nombre', 'description'], nivel: [], capitulo: ['chapter'], grupo: ['bloque'], activo: ['estado'] },
  read(r) {
    const sistema = (r.text('sistema', { max: 20 }) ?? 'CIE-10').toUpperCase();
    const raw = r.text('codigo', { required: true, max: 20 }) ?? '';
    let codigo = raw.toUpperCase();
    if (raw && sistema === 'CIE-10') {
      const normalized = normalizeCieCode(raw);
      if (!normalized) r.issues.push({ campo: 'codigo', mensaje: `Código CIE-10 inválido: '${raw.slice(0, 20)}' (ejemplos válidos: J18.9, J189, A97).` });
      codigo = normalized ?? codigo;
    } else if (raw && !/^[A-Z0-9][A-Z0-9.-]{0,19}$/.test(codigo)) {
      r.issues.push({ campo: 'codigo', mensaje: 'Código inválido: solo letras, dígitos, punto y guion.' });
    }
    return {
      sistema, codigo, descripcion: r.text('descripcion', { required: true, max: 500 }) ?? '',
      nivel: r.int('nivel', 1, 9), capitulo: r.text('capitulo', { max: 10 }), grupo: r.text('grupo', { max: 20 }), activo: r.bool('activo'),
    };
  },
  key: (p) => `${p.sistema}|${p.codigo}`,
  keyField: () => 'codigo',
  rowKey: (row) => `${row.sistema}|${row.codigo}`,
  // A few corrections need not read the whole 14k-row CIE-10; a full list reads it once.
  load: (tx, parsed) => tx.select().from(diagnoses).where(parsed.length <= 2000
    ? and(inArray(diagnoses.sistema, [...new Set(parsed.map((p) => p.sistema))]), inArray(diagnoses.codigo, parsed.map((p) => p.codigo)))
    : inArray(diagnoses.sistema, [...new Set(parsed.map((p) => p.sistema))])),
  merge(p, stored) {
    const derived = p.sistema === 'CIE-10' ? cieChapterOf(p.codigo) : { capitulo: null, grupo: null };
    return {
      sistema: p.sistema, codigo: p.codigo, descripcion: p.descripcion,
      nivel: pick(p.nivel, stored?.nivel, p.sistema === 'CIE-10' ? cieLevel(p.codigo) : 1),
      capitulo: pick(p.capitulo, stored?.capitulo, derived.capitulo), grupo: pick(p.grupo, stored?.grupo, derived.grupo),
      activo: pick(p.activo, stored?.activo, true),
    };
  },
  compare: ['descripcion', 'nivel', 'capitulo', 'grupo', 'activo'],
  async write(tx, rows) {
    await tx.insert(diagnoses).values(rows).onConflictDoUpdate({ target: diagnoses.id, set: excludedSet(diagnoses, ['descripcion', 'nivel', 'capitulo', 'grupo', 'activo']) });
  },
};

// ---------------------------------------------------------------- medications
type Opt<T> = T | null | undefined;
interface MedicationIn {
  dci: string; concentracion: Opt<string>; formaFarmaceutica: Opt<string>; via: Opt<string>; codigoAtc: Opt<string>;
  grupoTerapeutico: Opt<string>; codigoDigemid: Opt<string>; registroSanitario: Opt<string>; nombreComercial: Opt<string>;
  presentacion: Opt<string>; titular: Opt<string>; fabricante: Opt<string>;
  petitorio: boolean | undefined; controlado: boolean | undefined; activo: boolean | undefined;
}
type MedicationValues = Omit<typeof medications.$inferInsert, 'id' | 'createdAt' | 'updatedAt'>;
const MEDICATION_TEXT = ['via', 'grupoTerapeutico', 'registroSanitario', 'nombreComercial', 'presentacion', 'titular', 'fabricante'] as const;
const medicationKey = (dci: string, conc: Opt<string>, forma: Opt<string>, digemid: Opt<string>) =>
  digemid ? `d|${digemid}` : `n|${fold(dci)}|${fold(conc ?? '')}|${fold(forma ?? '')}`;

// What DIGEMID's catalog does not carry (ATC, class, controlled status) is taken from a row of
// the same DCI already in the catalog, when all such rows agree.
const inferenceCache = new WeakMap<MedicationRow[], Map<string, MedicationRow | null>>();
function sameDciRow(all: MedicationRow[], dci: string): MedicationRow | undefined {
  let map = inferenceCache.get(all);
  if (!map) {
    map = new Map();
    for (const row of all) {
      if (!row.codigoAtc) continue;
      const k = fold(row.dci);
      const seen = map.get(k);
      if (seen === undefined) map.set(k, row);
      else if (seen && seen.codigoAtc !== row.codigoAtc) map.set(k, null);
    }
    inferenceCache.set(all, map);
  }
  return map.get(fold(dci)) ?? undefined;
}

const medicationSpec: CatalogSpec<MedicationIn, MedicationRow, MedicationValues> = {
  tableName: 'medications',
  aliases: {
    dci: ['nomifa', 'ifa', 'principioactivo'], concentracion: ['concent'], formaFarmaceutica: ['nomformfarm', 'forma'],
    via: ['viaadministracion'], codigoAtc: ['atc', 'codatc'], grupoTerapeutico: ['grupo'], codigoDigemid: ['codprod'],
    registroSanitario: ['numregsan', 'registro'], nombreComercial: ['nomprod'], presentacion: ['presentac'], titular: ['nomtitular'],
    fabricante: ['nomfabricante'], petitorio: ['pnume'], controlado: [], activo: ['situacion', 'estado'],
  },
  read(r) {
    const atc = r.text('codigoAtc', { max: 7 })?.toUpperCase();
    if (atc && !ATC_CODE.test(atc)) r.issues.push({ campo: 'codigoAtc', mensaje: `Código ATC inválido: '${atc}' (formato A01BC23).` });
    const p: MedicationIn = {
      dci: r.text('dci', { required: true, max: 300 }) ?? '', concentracion: r.text('concentracion', { max: 120 }),
      formaFarmaceutica: r.text('formaFarmaceutica', { max: 120 }), codigoAtc: atc, codigoDigemid: r.text('codigoDigemid', { max: 40 }),
      via: undefined, grupoTerapeutico: undefined, registroSanitario: undefined, nombreComercial: undefined, presentacion: undefined, titular: undefined, fabricante: undefined,
      petitorio: r.bool('petitorio'), controlado: r.bool('controlado'),
      activo: r.bool('activo', ['act', 'vigente'], ['can', 'cancelado', 'cancelada', 'ina', 'sus', 'suspendido', 'anu', 'anulado', 'ven', 'vencido']),
    };
    for (const f of MEDICATION_TEXT) p[f] = r.text(f, { max: 300 });
    return p;
  },
  key: (p) => medicationKey(p.dci, p.concentracion, p.formaFarmaceutica, p.codigoDigemid),
  keyField: (p) => (p.codigoDigemid ? 'codigoDigemid' : 'dci'),
  rowKey: (row) => medicationKey(row.dci, row.concentracion, row.formaFarmaceutica, row.codigoDigemid),
  load: (tx) => tx.select().from(medications),
  merge(p, s, all) {
    const like = !s && p.codigoAtc === undefined ? sameDciRow(all, p.dci) : undefined;
    const v: MedicationValues = {
      dci: p.dci, concentracion: pick(p.concentracion === null ? '' : p.concentracion, s?.concentracion, ''),
      formaFarmaceutica: pick(p.formaFarmaceutica === null ? '' : p.formaFarmaceutica, s?.formaFarmaceutica, ''),
      codigoAtc: pick(p.codigoAtc, s?.codigoAtc, like?.codigoAtc ?? null),
      codigoDigemid: pick(p.codigoDigemid, s?.codigoDigemid, null),
      petitorio: pick(p.petitorio, s?.petitorio, false), controlado: pick(p.controlado, s?.controlado, like?.controlado ?? false),
      activo: pick(p.activo, s?.activo, true),
    };
    for (const f of MEDICATION_TEXT) v[f] = pick(p[f], s?.[f], f === 'grupoTerapeutico' ? like?.grupoTerapeutico ?? null : null);
    return v;
  },
  compare: ['concentracion', 'formaFarmaceutica', 'codigoAtc', 'codigoDigemid', 'petitorio', 'controlado', 'activo', ...MEDICATION_TEXT, 'dci'],
  async write(tx, rows) {
    await tx.insert(medications).values(rows).onConflictDoUpdate({ target: medications.id, set: excludedSet(medications, [
      'dci', 'concentracion', 'formaFarmaceutica', 'codigoAtc', 'codigoDigemid', 'petitorio', 'controlado', 'activo', ...MEDICATION_TEXT]) });
  },
};

// ---------------------------------------------------------------- procedures
interface ProcedureIn { codigo: Opt<string>; nombre: string; tipo: ProcedureType; especialidad: Opt<string>; activo: boolean | undefined }
type ProcedureValues = Omit<typeof procedures.$inferInsert, 'id' | 'createdAt' | 'updatedAt'>;
const procedureKey = (codigo: Opt<string>, tipo: string, nombre: string) => (codigo ? `c|${codigo}` : `n|${tipo}|${fold(nombre)}`);

const procedureSpec: CatalogSpec<ProcedureIn, ProcedureRow, ProcedureValues> = {
  tableName: 'procedures',
  aliases: { codigo: ['cpms', 'codigocpms', 'cpt'], nombre: ['descripcion', 'denominacion', 'procedimiento'], tipo: ['categoria'], especialidad: ['servicio'], activo: ['estado'] },
  read(r) {
    const codigo = r.text('codigo', { max: 40 })?.toUpperCase();
    if (codigo && !/^[0-9A-Z][0-9A-Z.-]*$/.test(codigo)) r.issues.push({ campo: 'codigo', mensaje: 'Código inválido: solo letras, dígitos, punto y guion.' });
    const rawTipo = r.text('tipo', { required: true, max: 40 });
    // Plurals as people type them: "Imágenes", "Procedimientos".
    const tipo = rawTipo ? fold(rawTipo).toUpperCase().replace(/(ES|S)$/, '') : '';
    const known = PROCEDURE_TYPES.find((t) => t === tipo);
    if (rawTipo && !known) r.issues.push({ campo: 'tipo', mensaje: `Tipo inválido: use ${PROCEDURE_TYPES.join(', ')}.` });
    return { codigo, nombre: r.text('nombre', { required: true, max: 300 }) ?? '', tipo: known ?? 'PROCEDIMIENTO', especialidad: r.text('especialidad', { max: 120 }), activo: r.bool('activo') };
  },
  key: (p) => procedureKey(p.codigo, p.tipo, p.nombre),
  keyField: (p) => (p.codigo ? 'codigo' : 'nombre'),
  rowKey: (row) => procedureKey(row.codigo, row.tipo, row.nombre),
  load: (tx) => tx.select().from(procedures),
  merge: (p, s) => ({
    codigo: pick(p.codigo, s?.codigo, null), nombre: p.nombre, tipo: p.tipo,
    especialidad: pick(p.especialidad, s?.especialidad, null), activo: pick(p.activo, s?.activo, true),
  }),
  compare: ['nombre', 'tipo', 'especialidad', 'activo'],
  async write(tx, rows) {
    await tx.insert(procedures).values(rows).onConflictDoUpdate({ target: procedures.id, set: excludedSet(procedures, ['codigo', 'nombre', 'tipo', 'especialidad', 'activo']) });
  },
};

// ---------------------------------------------------------------- allergen groups
const crossSchema = z.array(z.object({ grupo: z.string().trim().min(1).transform((v) => v.toUpperCase()), severidad: z.enum(['LEVE', 'MODERADA', 'GRAVE']), nota: z.string().trim().max(1000).default('') }));
interface AllergenIn {
  codigo: string; nombre: string; sinonimos: string[] | undefined; atcPrefijos: string[] | undefined; ingredientes: string[] | undefined;
  reactividadCruzada: z.infer<typeof crossSchema> | undefined; nota: Opt<string>; activo: boolean | undefined;
}
type AllergenValues = Omit<typeof allergenGroups.$inferInsert, 'id' | 'createdAt' | 'updatedAt'>;

const allergenSpec: CatalogSpec<AllergenIn, AllergenRow, AllergenValues> = {
  tableName: 'allergen_groups',
  aliases: { codigo: [], nombre: ['grupo'], sinonimos: ['terminos'], atcPrefijos: ['atc', 'prefijosatc'], ingredientes: ['principiosactivos'], reactividadCruzada: [], nota: ['observacion'], activo: ['estado'] },
  read(r) {
    const codigo = (r.text('codigo', { required: true, max: 60 }) ?? '').toUpperCase().replace(/[\s-]+/g, '_');
    if (codigo && !/^[A-Z0-9_]{2,60}$/.test(fold(codigo).toUpperCase())) r.issues.push({ campo: 'codigo', mensaje: 'Código inválido: letras, dígitos y guion bajo.' });
    const rawCross = r.json('reactividadCruzada');
    let cross: AllergenIn['reactividadCruzada'];
    if (rawCross !== undefined) {
      const parsed = crossSchema.safeParse(rawCross ?? []);
      if (parsed.success) cross = parsed.data;
      else r.issues.push({ campo: 'reactividadCruzada', mensaje: 'Debe ser una lista de { grupo, severidad: LEVE|MODERADA|GRAVE, nota }.' });
    }
    const atc = r.list('atcPrefijos');
    const badAtc = atc?.find((a) => !ATC_PREFIX.test(a.toUpperCase()));
    if (badAtc) r.issues.push({ campo: 'atcPrefijos', mensaje: `Prefijo ATC inválido: '${badAtc}'.` });
    return {
      codigo: fold(codigo).toUpperCase(), nombre: r.text('nombre', { required: true, max: 200 }) ?? '', sinonimos: r.list('sinonimos'),
      atcPrefijos: atc?.map((a) => a.toUpperCase()), ingredientes: r.list('ingredientes'), reactividadCruzada: cross,
      nota: r.text('nota', { max: 1000, multiline: true }), activo: r.bool('activo'),
    };
  },
  key: (p) => p.codigo,
  keyField: () => 'codigo',
  rowKey: (row) => row.codigo,
  load: (tx) => tx.select().from(allergenGroups),
  merge: (p, s) => ({
    codigo: p.codigo, nombre: p.nombre, sinonimos: pick(p.sinonimos, s?.sinonimos, []), atcPrefijos: pick(p.atcPrefijos, s?.atcPrefijos, []),
    ingredientes: pick(p.ingredientes, s?.ingredientes, []), reactividadCruzada: pick(p.reactividadCruzada, s?.reactividadCruzada, []),
    nota: pick(p.nota, s?.nota, null), activo: pick(p.activo, s?.activo, true),
  }),
  compare: ['nombre', 'sinonimos', 'atcPrefijos', 'ingredientes', 'reactividadCruzada', 'nota', 'activo'],
  crossCheck(parsed, existing) {
    const known = new Set([...existing.map((e) => e.codigo), ...parsed.map((p) => p.value.codigo)]);
    return parsed.flatMap(({ fila, value }) => (value.reactividadCruzada ?? [])
      .filter((c) => !known.has(c.grupo))
      .map((c) => ({ fila, campo: 'reactividadCruzada', mensaje: `El grupo '${c.grupo}' no existe en el archivo ni en el catálogo.` })));
  },
  async write(tx, rows) {
    await tx.insert(allergenGroups).values(rows).onConflictDoUpdate({ target: allergenGroups.id, set: excludedSet(allergenGroups, [
      'nombre', 'sinonimos', 'atcPrefijos', 'ingredientes', 'reactividadCruzada', 'nota', 'activo']) });
  },
};

/** Specs have different row types; the importer only moves them between their own methods. */
export type AnySpec = CatalogSpec<unknown, { id: string }, object>;
export const CATALOG_SPECS: Record<ImportableCatalog, AnySpec> = {
  diagnoses: diagnosisSpec as unknown as AnySpec,
  medications: medicationSpec as unknown as AnySpec,
  procedures: procedureSpec as unknown as AnySpec,
  allergens: allergenSpec as unknown as AnySpec,
};

export type { RowReader };
