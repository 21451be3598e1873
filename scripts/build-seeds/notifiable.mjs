#!/usr/bin/env node
// Genera seeds/notifiable-diseases.json: enfermedades y eventos de notificación obligatoria para la
// vigilancia epidemiológica del Perú, con los códigos CIE-10 que disparan la alerta de notificación.
// Uso: node scripts/build-seeds/notifiable.mjs
//
// Base: Directiva Sanitaria N° 046-MINSA/DGE-V.01 (aprobada por RM N° 506-2012/MINSA), Anexo 01
// ("enfermedades y eventos sujetos a vigilancia epidemiológica"), más incorporaciones posteriores
// del CDC-MINSA (chikungunya, zika, COVID-19, Guillain-Barré, viruela símica, oropouche).
// Lista redactada por el proyecto a partir de conocimiento de la norma: el texto del anexo NO se
// contrastó línea por línea al generar este archivo.
//   verificado: true  -> inclusión y periodicidad conocidas con alta seguridad (núcleo de
//                        notificación inmediata: enfermedades inmunoprevenibles en eliminación,
//                        RSI, dengue).
//   verificado: false -> inclusión o periodicidad por confirmar contra el anexo / alerta vigente.
//
// cieCodigos: código CIE-10 exacto con punto ("A97.0") o categoría de 3 caracteres ("A27") que
// abarca todas sus subcategorías. Todos deben existir en seeds/cie10.json (check.mjs lo verifica).
import { ROOT, readJson, writeJson, cmp } from './lib.mjs';
import path from 'node:path';

const D046 = 'Directiva Sanitaria 046-MINSA/DGE-V.01, Anexo 01';
const POST = 'CDC-MINSA, incorporación posterior a la Directiva Sanitaria 046-MINSA/DGE-V.01';
const I = 'INMEDIATA';
const S = 'SEMANAL';

// [codigo, nombre, cieCodigos, periodicidad, fuente, verificado]
const ROWS = [
  // Metaxénicas
  ['DENGUE_SIN_SIGNOS', 'Dengue sin signos de alarma', ['A97.0'], I, D046, true],
  ['DENGUE_CON_SIGNOS', 'Dengue con signos de alarma', ['A97.1'], I, D046, true],
  ['DENGUE_GRAVE', 'Dengue grave', ['A97.2'], I, D046, true],
  ['MALARIA_VIVAX', 'Malaria por Plasmodium vivax', ['B51'], S, D046, false],
  ['MALARIA_FALCIPARUM', 'Malaria por Plasmodium falciparum', ['B50'], S, D046, false],
  ['MALARIA_MALARIAE', 'Malaria por Plasmodium malariae', ['B52'], S, D046, false],
  ['MALARIA_NO_ESPECIFICADA', 'Malaria no especificada', ['B54'], S, D046, false],
  ['FIEBRE_AMARILLA', 'Fiebre amarilla', ['A95'], I, D046, true],
  ['LEISHMANIASIS', 'Leishmaniasis (cutánea, mucocutánea, visceral)', ['B55'], S, D046, false],
  ['CHAGAS', 'Enfermedad de Chagas', ['B57'], S, D046, false],
  ['BARTONELOSIS_AGUDA', 'Bartonelosis aguda (fiebre de La Oroya)', ['A44.0'], I, D046, false],
  ['BARTONELOSIS_ERUPTIVA', 'Bartonelosis eruptiva (verruga peruana)', ['A44.1'], S, D046, false],
  ['CHIKUNGUNYA', 'Fiebre de chikungunya', ['A92.0'], I, POST, false],
  ['ZIKA', 'Enfermedad por virus Zika', ['A92.5'], I, POST, false],
  ['OROPOUCHE', 'Fiebre de Oropouche', ['A93.0'], I, POST, false],
  // Zoonosis
  ['LEPTOSPIROSIS', 'Leptospirosis', ['A27'], I, D046, false],
  ['PESTE', 'Peste', ['A20'], I, D046, true],
  ['RABIA_HUMANA', 'Rabia humana (urbana o silvestre)', ['A82'], I, D046, true],
  ['CARBUNCO', 'Carbunco (ántrax)', ['A22'], I, D046, false],
  ['BRUCELOSIS', 'Brucelosis', ['A23'], S, D046, false],
  ['HIDATIDOSIS', 'Hidatidosis (equinococosis)', ['B67'], S, D046, false],
  ['CISTICERCOSIS', 'Cisticercosis', ['B69'], S, D046, false],
  ['TIFUS_EXANTEMATICO', 'Tifus exantemático epidémico', ['A75'], I, D046, false],
  ['LOXOSCELISMO', 'Loxoscelismo (mordedura de araña Loxosceles)', ['T63.3'], S, D046, false],
  ['OFIDISMO', 'Ofidismo (mordedura de serpiente venenosa)', ['T63.0'], S, D046, false],
  // Inmunoprevenibles
  ['SARAMPION', 'Sarampión', ['B05'], I, D046, true],
  ['RUBEOLA', 'Rubéola', ['B06'], I, D046, true],
  ['RUBEOLA_CONGENITA', 'Síndrome de rubéola congénita', ['P35.0'], I, D046, true],
  ['PARALISIS_FLACIDA_AGUDA', 'Parálisis flácida aguda / poliomielitis', ['A80'], I, D046, true],
  ['TOS_FERINA', 'Tos ferina', ['A37'], I, D046, true],
  ['DIFTERIA', 'Difteria', ['A36'], I, D046, true],
  ['TETANOS', 'Tétanos', ['A35'], I, D046, false],
  ['TETANOS_NEONATAL', 'Tétanos neonatal', ['A33'], I, D046, true],
  ['MENINGITIS_MENINGOCOCICA', 'Meningitis meningocócica', ['A39.0'], I, D046, true],
  ['HEPATITIS_B', 'Hepatitis B', ['B16', 'B18.0', 'B18.1'], S, D046, false],
  ['VARICELA', 'Varicela', ['B01'], S, D046, false],
  ['PAROTIDITIS', 'Parotiditis', ['B26'], S, D046, false],
  // Respiratorias y otras transmisibles
  ['INFLUENZA_NUEVO_SUBTIPO', 'Influenza por nuevo subtipo (p. ej. A(H1N1) pandémica, aviar)', ['J09'], I, D046, true],
  ['COVID19', 'COVID-19', ['U07.1', 'U07.2'], I, POST, false],
  ['VIRUELA_SIMICA', 'Viruela símica (mpox)', ['B04'], I, POST, false],
  ['COLERA', 'Cólera', ['A00'], I, D046, true],
  ['FIEBRE_TIFOIDEA', 'Fiebre tifoidea', ['A01.0'], S, D046, false],
  ['GUILLAIN_BARRE', 'Síndrome de Guillain-Barré', ['G61.0'], I, POST, false],
  // Transmisión sexual y vertical
  ['VIH_SIDA', 'Infección por VIH / SIDA', ['B20', 'B21', 'B22', 'B23', 'B24', 'Z21'], S, D046, false],
  ['SIFILIS_CONGENITA', 'Sífilis congénita', ['A50'], S, D046, false],
  ['SIFILIS_MATERNA', 'Sífilis materna (en la gestación)', ['O98.1'], S, D046, false],
];

// Comprobación contra seeds/cie10.json: código exacto o categoría de 3 caracteres con subcategorías.
const cie = readJson(path.join(ROOT, 'seeds', 'cie10.json')).map((r) => r.codigo);
const exact = new Set(cie);
const cats = new Set(cie.map((c) => c.slice(0, 3)));
const rows = [];
const seen = new Set();
for (const [codigo, nombre, cieCodigos, periodicidad, fuente, verificado] of ROWS) {
  if (seen.has(codigo)) throw new Error(`Código repetido: ${codigo}`);
  seen.add(codigo);
  for (const c of cieCodigos) {
    const ok = /^[A-Z]\d\d$/.test(c) ? cats.has(c) : /^[A-Z]\d\d\.\d$/.test(c) && exact.has(c);
    if (!ok) throw new Error(`${codigo}: CIE-10 ${c} no está en cie10.json`);
  }
  rows.push({ codigo, nombre, cieCodigos, periodicidad, fuente, verificado });
}
rows.sort((a, b) => cmp(a.codigo, b.codigo));

writeJson('notifiable-diseases.json', rows);
const n = (f) => rows.filter(f).length;
console.log(`notifiable-diseases.json: ${rows.length} eventos (${n((r) => r.periodicidad === I)} inmediata, ` +
  `${n((r) => r.periodicidad === S)} semanal; ${n((r) => r.verificado)} verificados, ${n((r) => !r.verificado)} por confirmar)`);
