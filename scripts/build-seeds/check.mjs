#!/usr/bin/env node
// Valida los archivos seeds/*.json existentes. Imprime un resumen breve y termina con código 1 si
// alguna comprobación falla. Los archivos que aún no existen se omiten (se informa "omitido").
// Uso: node scripts/build-seeds/check.mjs
import fs from 'node:fs';
import path from 'node:path';
import { SEEDS } from './lib.mjs';

const errors = [];
const summary = [];
const fail = (file, msg) => errors.push(`${file}: ${msg}`);
const exists = (name) => fs.existsSync(path.join(SEEDS, name));
const load = (name) => JSON.parse(fs.readFileSync(path.join(SEEDS, name), 'utf8'));

/** Devuelve el arreglo de filas de un seed (arreglo directo, o `items`/`data`/única propiedad arreglo). */
function rowsOf(data) {
  if (Array.isArray(data)) return data;
  for (const k of ['items', 'data', 'rows']) if (Array.isArray(data?.[k])) return data[k];
  const arrays = Object.values(data ?? {}).filter(Array.isArray);
  return arrays.length === 1 ? arrays[0] : null;
}

function unique(file, rows, keyFn, label) {
  const seen = new Set();
  let dups = 0;
  for (const r of rows) {
    const k = keyFn(r);
    if (k === null || k === undefined) continue;
    if (seen.has(k)) {
      if (dups++ < 3) fail(file, `${label} repetido: ${k}`);
    } else seen.add(k);
  }
  if (dups > 3) fail(file, `${dups} ${label} repetidos en total`);
}

// --- JSON válido -------------------------------------------------------------------------------
const files = fs.readdirSync(SEEDS).filter((f) => f.endsWith('.json')).sort();
const parsed = {};
for (const f of files) {
  try {
    parsed[f] = load(f);
  } catch (e) {
    fail(f, `JSON inválido (${e.message})`);
  }
}
const has = (f) => f in parsed;

// --- cie10.json ------------------------------------------------------------------------------
let cieExact = null;
let cieCats = null;
if (has('cie10.json')) {
  const f = 'cie10.json';
  const rows = parsed[f];
  unique(f, rows, (r) => r.codigo, 'codigo');
  for (const r of rows) {
    if (!/^[A-Z]\d\d(\.\d)?$/.test(r.codigo ?? '')) { fail(f, `código mal formado: ${r.codigo}`); break; }
    if (!r.descripcion) { fail(f, `sin descripción: ${r.codigo}`); break; }
  }
  cieExact = new Set(rows.map((r) => r.codigo));
  cieCats = new Set(rows.map((r) => r.codigo.slice(0, 3)));
  for (const c of ['A97.0', 'J06.9', 'E11.9', 'I10', 'U07.1']) if (!cieExact.has(c)) fail(f, `falta ${c}`);
  if (rows.length < 10000) fail(f, `solo ${rows.length} códigos`);
  const n3 = rows.filter((r) => r.nivel === 3).length;
  const fuentes = {};
  for (const r of rows) fuentes[r.fuente] = (fuentes[r.fuente] || 0) + 1;
  summary.push(`cie10: ${rows.length} códigos (${n3} de 3 car., ${rows.length - n3} de 4); fuentes ${JSON.stringify(fuentes)}`);
} else summary.push('cie10: omitido (no existe)');

if (has('cie10-chapters.json')) {
  const f = 'cie10-chapters.json';
  const rows = parsed[f];
  unique(f, rows, (r) => r.capitulo, 'capitulo');
  if (rows.length !== 22) fail(f, `se esperaban 22 capítulos, hay ${rows.length}`);
  summary.push(`cie10-chapters: ${rows.length} capítulos, ${rows.reduce((s, c) => s + (c.grupos?.length ?? 0), 0)} grupos`);
}

// --- ubigeo.json -----------------------------------------------------------------------------
if (has('ubigeo.json')) {
  const f = 'ubigeo.json';
  const { departamentos = [], provincias = [], distritos = [] } = parsed[f];
  unique(f, departamentos, (r) => r.inei, 'departamento INEI');
  unique(f, departamentos, (r) => r.reniec, 'departamento RENIEC');
  unique(f, provincias, (r) => r.inei, 'provincia INEI');
  unique(f, provincias, (r) => r.reniec, 'provincia RENIEC');
  unique(f, distritos, (r) => r.inei, 'distrito INEI');
  unique(f, distritos, (r) => r.reniec, 'distrito RENIEC');
  const piura = departamentos.find((d) => d.nombre === 'Piura');
  if (!piura || piura.inei !== '20' || piura.reniec !== '19') fail(f, `Piura debe ser INEI "20" / RENIEC "19": ${JSON.stringify(piura)}`);
  if (departamentos.length !== 25) fail(f, `se esperaban 25 departamentos, hay ${departamentos.length}`);
  if (distritos.length < 1800) fail(f, `solo ${distritos.length} distritos`);
  const piuraDist = distritos.filter((d) => d.departamento === 'Piura').length;
  if (piuraDist !== 65) fail(f, `Piura debería tener 65 distritos, tiene ${piuraDist}`);
  // El código INEI es obligatorio; el RENIEC puede ser null (distritos creados después de la fuente RENIEC).
  for (const d of distritos) {
    if (!/^\d{6}$/.test(d.inei ?? '') || (d.reniec !== null && !/^\d{6}$/.test(d.reniec ?? ''))) { fail(f, `distrito con código inválido: ${JSON.stringify(d)}`); break; }
  }
  const sinReniec = distritos.filter((d) => d.reniec === null).length;
  summary.push(`ubigeo: ${departamentos.length} departamentos, ${provincias.length} provincias, ${distritos.length} distritos ` +
    `(Piura: ${piuraDist}; ${sinReniec} distritos sin código RENIEC)`);
} else summary.push('ubigeo: omitido (no existe)');

// --- medications.json ------------------------------------------------------------------------
if (has('medications.json')) {
  const f = 'medications.json';
  const rows = rowsOf(parsed[f]);
  if (!rows) fail(f, 'no se encontró el arreglo de medicamentos');
  else {
    const ATC = /^[A-Z]\d\d[A-Z][A-Z]\d\d$/;
    const atcKey = (r) => Object.keys(r).find((k) => /atc/i.test(k));
    let withAtc = 0;
    let bad = 0;
    for (const r of rows) {
      const k = atcKey(r);
      const vals = k == null ? [] : [].concat(r[k]).filter((v) => v !== null && v !== '');
      for (const v of vals) {
        if (typeof v !== 'string' || !ATC.test(v)) { if (bad++ < 3) fail(f, `ATC inválido: ${JSON.stringify(v)}`); }
      }
      if (vals.length) withAtc++;
    }
    if (bad > 3) fail(f, `${bad} códigos ATC inválidos en total`);
    const idKey = ['codigo', 'id'].find((k) => rows.every((r) => k in r && r[k] !== null && r[k] !== ''));
    if (idKey) unique(f, rows, (r) => r[idKey], idKey);
    unique(f, rows, (r) => JSON.stringify(r), 'fila');
    // Clave natural de una presentación: DCI + concentración + forma farmacéutica + vía.
    if (rows.every((r) => 'dci' in r)) {
      unique(f, rows, (r) => [r.dci, r.concentracion, r.formaFarmaceutica, r.via].map((v) => String(v ?? '').toLowerCase()).join('|'), 'presentación (dci|concentración|forma|vía)');
    }
    summary.push(`medications: ${rows.length} filas, ${withAtc} con ATC`);
  }
} else summary.push('medications: omitido (no existe)');

// --- allergen-groups.json --------------------------------------------------------------------
if (has('allergen-groups.json')) {
  const f = 'allergen-groups.json';
  const rows = rowsOf(parsed[f]);
  if (!rows) fail(f, 'no se encontró el arreglo de grupos');
  else {
    for (const k of ['codigo', 'id', 'nombre']) if (rows.every((r) => r && k in r)) unique(f, rows, (r) => r[k], k);
    const codigos = new Set(rows.map((r) => r.codigo));
    for (const r of rows) {
      for (const p of r.atcPrefijos ?? []) {
        if (!/^[A-Z](\d\d([A-Z]([A-Z](\d\d)?)?)?)?$/.test(p)) fail(f, `${r.codigo}: prefijo ATC inválido ${p}`);
      }
      for (const x of r.reactividadCruzada ?? []) {
        const g = typeof x === 'string' ? x : x?.grupo;
        if (g && !codigos.has(g)) fail(f, `${r.codigo}: reactividad cruzada con grupo inexistente ${g}`);
      }
    }
    summary.push(`allergen-groups: ${rows.length} grupos`);
  }
} else summary.push('allergen-groups: omitido (no existe)');

// --- procedures.json -------------------------------------------------------------------------
if (has('procedures.json')) {
  const f = 'procedures.json';
  const rows = parsed[f];
  const TIPOS = ['LABORATORIO', 'IMAGEN', 'INTERCONSULTA', 'PROCEDIMIENTO'];
  const by = {};
  for (const r of rows) {
    if (!TIPOS.includes(r.tipo)) fail(f, `tipo inválido "${r.tipo}" en ${r.nombre}`);
    if (r.codigo !== null && !/^\d{5}$/.test(r.codigo)) fail(f, `código inválido ${r.codigo}`);
    if (r.tipo === 'INTERCONSULTA' && r.codigo !== null) fail(f, `interconsulta con código: ${r.nombre}`);
    if (!r.nombre || !r.especialidad) fail(f, `fila incompleta: ${JSON.stringify(r)}`);
    by[r.tipo] = (by[r.tipo] || 0) + 1;
  }
  unique(f, rows, (r) => r.codigo, 'codigo');
  unique(f, rows, (r) => r.nombre.toLowerCase(), 'nombre');
  for (let i = 1; i < rows.length; i++) if (rows[i - 1].tipo > rows[i].tipo) { fail(f, 'no está ordenado por tipo'); break; }
  if (rows.length < 170) fail(f, `solo ${rows.length} procedimientos (mínimo 170)`);
  for (const t of TIPOS) if (!by[t]) fail(f, `sin filas de tipo ${t}`);
  summary.push(`procedures: ${rows.length} (${TIPOS.map((t) => `${t} ${by[t] ?? 0}`).join(', ')}; ${rows.filter((r) => r.codigo).length} con código)`);
} else summary.push('procedures: omitido (no existe)');

// --- notifiable-diseases.json ----------------------------------------------------------------
if (has('notifiable-diseases.json')) {
  const f = 'notifiable-diseases.json';
  const rows = parsed[f];
  unique(f, rows, (r) => r.codigo, 'codigo');
  for (const r of rows) {
    if (!['INMEDIATA', 'SEMANAL'].includes(r.periodicidad)) fail(f, `periodicidad inválida en ${r.codigo}`);
    if (typeof r.verificado !== 'boolean') fail(f, `verificado no booleano en ${r.codigo}`);
    if (!Array.isArray(r.cieCodigos) || r.cieCodigos.length === 0) fail(f, `sin cieCodigos en ${r.codigo}`);
    if (!r.nombre || !r.fuente) fail(f, `fila incompleta ${r.codigo}`);
    for (const c of r.cieCodigos ?? []) {
      if (!/^[A-Z]\d\d(\.\d)?$/.test(c)) { fail(f, `${r.codigo}: CIE-10 mal formado ${c}`); continue; }
      if (!cieExact) continue;
      // Código exacto, o categoría de 3 caracteres (la fuente omite algunas filas de categoría, p. ej. A50,
      // por lo que basta con que existan sus subcategorías).
      const ok = c.length === 3 ? cieCats.has(c) : cieExact.has(c);
      if (!ok) fail(f, `${r.codigo}: ${c} no está en cie10.json`);
    }
  }
  const n = (p) => rows.filter(p).length;
  summary.push(`notifiable-diseases: ${rows.length} (${n((r) => r.periodicidad === 'INMEDIATA')} inmediata, ` +
    `${n((r) => r.periodicidad === 'SEMANAL')} semanal; ${n((r) => !r.verificado)} sin verificar)`);
} else summary.push('notifiable-diseases: omitido (no existe)');

// --- templates.json --------------------------------------------------------------------------
if (has('templates.json')) {
  const f = 'templates.json';
  const rows = parsed[f];
  const TIPOS = ['anamnesis', 'examen_fisico', 'indicaciones', 'evolucion'];
  const ALLOWED = new Set(['paciente.nombreCompleto', 'paciente.nombres', 'paciente.edad', 'paciente.sexo',
    'medico.nombreCompleto', 'medico.cmp', 'fecha', 'hora']);
  unique(f, rows, (r) => `${r.tipo}|${r.nombre}`, 'plantilla');
  for (const r of rows) {
    if (!TIPOS.includes(r.tipo)) fail(f, `tipo inválido "${r.tipo}"`);
    if (!r.nombre || !r.contenido) fail(f, `plantilla incompleta: ${r.nombre}`);
    for (const m of (r.contenido ?? '').matchAll(/\{\{\s*([^{}]*?)\s*\}\}/g)) {
      if (!ALLOWED.has(m[1])) fail(f, `marcador no permitido ${m[0]} en "${r.nombre}"`);
    }
    if (/\{\{|\}\}/.test((r.contenido ?? '').replace(/\{\{[^{}]*\}\}/g, ''))) fail(f, `llaves sueltas en "${r.nombre}"`);
  }
  for (const t of TIPOS) if (rows.filter((r) => r.tipo === t).length < 3) fail(f, `menos de 3 plantillas de ${t}`);
  summary.push(`templates: ${rows.length} (${TIPOS.map((t) => `${t} ${rows.filter((r) => r.tipo === t).length}`).join(', ')})`);
} else summary.push('templates: omitido (no existe)');

// --- salida ----------------------------------------------------------------------------------
for (const s of summary) console.log(`- ${s}`);
if (errors.length) {
  console.error(`\n${errors.length} error(es):`);
  for (const e of errors.slice(0, 40)) console.error(`  ✗ ${e}`);
  process.exit(1);
}
console.log(`OK: ${files.length} archivo(s) JSON validados.`);
