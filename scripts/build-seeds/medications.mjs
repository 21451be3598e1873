// Genera seeds/medications.json: medicamentos ambulatorios frecuentes del Petitorio Nacional Único de
// Medicamentos Esenciales (PNUME, Perú), con código ATC de la OMS (7 caracteres) y grupo terapéutico
// (4.º nivel ATC, en español). Lista elaborada a mano en medications-*.mjs; sin dependencias externas.
// Uso: node scripts/build-seeds/medications.mjs
import { writeJson, norm, cmp } from './lib.mjs';
import { GRUPOS_ATC } from './medications-grupos.mjs';
import { ANTIINFECCIOSOS } from './medications-antiinfecciosos.mjs';
import { CARDIOMETABOLICOS } from './medications-cardiometabolicos.mjs';
import { SISTEMAS } from './medications-sistemas.mjs';

const FORMAS = new Set([
  'Tableta', 'Tableta de liberación prolongada', 'Tableta masticable', 'Tableta dispersable',
  'Tableta efervescente', 'Tableta sublingual', 'Cápsula', 'Suspensión', 'Jarabe', 'Solución oral',
  'Gotas orales', 'Granulado para solución oral', 'Polvo para solución oral', 'Polvo para suspensión oral',
  'Solución inyectable', 'Suspensión inyectable', 'Emulsión inyectable', 'Polvo para solución inyectable',
  'Polvo para suspensión inyectable', 'Crema', 'Ungüento', 'Gel', 'Loción', 'Champú', 'Solución tópica',
  'Solución jabonosa', 'Aerosol tópico', 'Parche', 'Gotas oftálmicas', 'Ungüento oftálmico', 'Gotas óticas',
  'Gotas nasales', 'Aerosol nasal', 'Solución para nebulización', 'Suspensión para nebulización',
  'Aerosol para inhalación', 'Polvo para inhalación', 'Óvulo', 'Crema vaginal', 'Supositorio', 'Implante',
  'Solución para enjuague bucal',
]);
const VIAS = new Set([
  'Oral', 'Intramuscular', 'Endovenosa', 'Subcutánea', 'Tópica', 'Oftálmica', 'Ótica', 'Nasal',
  'Inhalatoria', 'Rectal', 'Vaginal', 'Sublingual',
]);
// Medicamentos de uso ambulatorio frecuente en Perú que, según nuestra revisión, probablemente NO figuran en el
// PNUME vigente (se incluyen por ser de prescripción habitual): petitorio = false. Estimación a verificar
// contra la resolución ministerial vigente del PNUME.
const FUERA_PNUME = new Set([
  'Adapaleno', 'Apixabán', 'Betahistina', 'Bromazepam', 'Celecoxib', 'Ciclobenzaprina', 'Cinarizina', 'Citalopram',
  'Dabigatrán', 'Desloratadina', 'Dexketoprofeno', 'Dextrometorfano', 'Escitalopram', 'Esomeprazol', 'Ezetimiba',
  'Fenazopiridina', 'Fexofenadina', 'Flunarizina', 'Imiquimod', 'Levocetirizina', 'Macrogol 3350', 'Metocarbamol',
  'Norfloxacino', 'Olopatadina', 'Oximetazolina', 'Pramipexol', 'Secnidazol', 'Simeticona',
]);
const ATC_RE = /^[A-Z]\d\d[A-Z][A-Z]\d\d$/;

/** Número inicial de la concentración ("1 200 000 UI" -> 1200000, "0.5 %" -> 0.5) para orden natural. */
function leadingNumber(s) {
  const m = /^(\d{1,3}(?: \d{3})+|\d+(?:\.\d+)?)/.exec(s);
  return m ? Number(m[1].replace(/ /g, '')) : Number.POSITIVE_INFINITY;
}

const errors = [];
const rows = [...ANTIINFECCIOSOS, ...CARDIOMETABOLICOS, ...SISTEMAS].map((r) => {
  const [dci, concentracion, formaFarmaceutica, via, codigoAtc, controlado = false] = r;
  if (r.length < 5 || r.length > 6) errors.push(`fila mal formada: ${JSON.stringify(r)}`);
  if (!ATC_RE.test(codigoAtc)) errors.push(`ATC inválido: ${dci} ${codigoAtc}`);
  const grupoTerapeutico = GRUPOS_ATC[codigoAtc.slice(0, 5)];
  if (!grupoTerapeutico) errors.push(`sin grupo ATC ${codigoAtc.slice(0, 5)}: ${dci}`);
  if (!FORMAS.has(formaFarmaceutica)) errors.push(`forma desconocida: ${dci} ${formaFarmaceutica}`);
  if (!VIAS.has(via)) errors.push(`vía desconocida: ${dci} ${via}`);
  if (typeof controlado !== 'boolean') errors.push(`controlado no booleano: ${dci}`);
  return {
    dci,
    concentracion,
    formaFarmaceutica,
    via,
    codigoAtc,
    grupoTerapeutico,
    petitorio: !FUERA_PNUME.has(dci),
    controlado,
    codigoDigemid: null,
    registroSanitario: null,
  };
});

const dcis = new Set(rows.map((r) => r.dci));
for (const d of FUERA_PNUME) if (!dcis.has(d)) errors.push(`FUERA_PNUME sin filas: ${d}`);

const seen = new Set();
for (const r of rows) {
  const key = [norm(r.dci), r.concentracion, r.formaFarmaceutica].join('|');
  if (seen.has(key)) errors.push(`duplicado: ${key}`);
  seen.add(key);
}
if (errors.length) {
  console.error(errors.join('\n'));
  process.exit(1);
}

rows.sort(
  (a, b) =>
    cmp(norm(a.dci), norm(b.dci)) ||
    cmp(a.dci, b.dci) ||
    leadingNumber(a.concentracion) - leadingNumber(b.concentracion) ||
    cmp(a.concentracion, b.concentracion) ||
    cmp(a.formaFarmaceutica, b.formaFarmaceutica) ||
    cmp(a.via, b.via),
);

const file = writeJson('medications.json', rows);
console.log(`${rows.length} medicamentos -> ${file}`);
