// Genera seeds/allergen-groups.json: grupos de alérgenos para la verificación de alergias al prescribir.
// Cada grupo: sinónimos (texto libre que el clínico puede registrar, en minúscula, con y sin tildes),
// prefijos ATC, ingredientes (DCI en minúscula) y reactividad cruzada con otros grupos.
// Al final se contrasta con seeds/medications.json (si existe) y se informan medicamentos no cubiertos.
// Uso: node scripts/build-seeds/allergens.mjs
import fs from 'node:fs';
import path from 'node:path';
import { SEEDS, writeJson, norm, cmp } from './lib.mjs';

const PENICILINAS = [
  'amoxicilina', 'ampicilina', 'bencilpenicilina', 'dicloxacilina', 'fenoximetilpenicilina', 'oxacilina',
  'piperacilina', 'cloxacilina', 'nafcilina',
];
const CEFALOSPORINAS = [
  'cefalexina', 'cefadroxilo', 'cefazolina', 'cefalotina', 'cefuroxima', 'cefaclor', 'cefprozilo',
  'cefoxitina', 'cefotaxima', 'ceftriaxona', 'ceftazidima', 'cefixima', 'cefpodoxima', 'cefoperazona',
  'cefepima', 'ceftarolina',
];
const CARBAPENEMS = ['imipenem', 'meropenem', 'ertapenem'];

// [codigo, nombre, sinonimos extra, atcPrefijos, ingredientes, reactividadCruzada [grupo, severidad, nota], nota]
const GRUPOS = [
  ['PENICILINAS', 'Penicilinas',
    ['penicilina', 'penicilinas', 'penicilina g', 'penicilina v', 'penicilina benzatínica', 'benzatina',
      'bencilpenicilina benzatínica', 'bencilpenicilina procaínica', 'bencilpenicilina sódica', 'aminopenicilina',
      'aminopenicilinas', 'amoxicilina clavulánico', 'amoxicilina + ácido clavulánico'],
    ['J01C'], PENICILINAS,
    [['CEFALOSPORINAS', 'MODERADA', 'Reactividad cruzada penicilina–cefalosporinas (~1–2 %, mayor con cefalosporinas de primera generación como cefalexina o cefadroxilo por similitud de cadena lateral R1 con amoxicilina/ampicilina): usar con precaución.'],
      ['CARBAPENEMS', 'LEVE', 'Reactividad cruzada penicilina–carbapenems < 1 %: puede usarse con precaución y vigilancia.']],
    null],
  ['CEFALOSPORINAS', 'Cefalosporinas',
    ['cefalosporina', 'cefalosporinas', 'cefalosporina de primera generación', 'cefalosporinas de tercera generación'],
    ['J01DB', 'J01DC', 'J01DD', 'J01DE', 'J01DI'], CEFALOSPORINAS,
    [['PENICILINAS', 'LEVE', 'Reactividad cruzada cefalosporina–penicilina baja (~1–2 %), mayor si comparten cadena lateral (p. ej. cefalexina/cefadroxilo con amoxicilina/ampicilina).'],
      ['CARBAPENEMS', 'LEVE', 'Reactividad cruzada cefalosporina–carbapenems < 1 %.']],
    null],
  ['CARBAPENEMS', 'Carbapenems',
    ['carbapenem', 'carbapenems', 'carbapenemes', 'carbapenémico', 'carbapenémicos'],
    ['J01DH'], CARBAPENEMS,
    [['PENICILINAS', 'LEVE', 'Reactividad cruzada carbapenems–penicilinas < 1 %.'],
      ['CEFALOSPORINAS', 'LEVE', 'Reactividad cruzada carbapenems–cefalosporinas < 1 %.']],
    null],
  ['BETALACTAMICOS', 'Betalactámicos (penicilinas, cefalosporinas, carbapenems, monobactámicos)',
    ['betalactámico', 'betalactámicos', 'beta-lactámico', 'beta-lactámicos', 'beta lactámico', 'beta lactámicos',
      'betalactamico', 'b-lactámicos'],
    ['J01C', 'J01D'], [...PENICILINAS, ...CEFALOSPORINAS, ...CARBAPENEMS, 'aztreonam'],
    [], 'Grupo paraguas: incluye penicilinas, cefalosporinas, carbapenems y aztreonam.'],
  ['SULFONAMIDAS', 'Sulfonamidas antibacterianas',
    ['sulfa', 'sulfas', 'sulfonamida', 'sulfonamidas', 'sulfamida', 'sulfamidas', 'cotrimoxazol', 'co-trimoxazol',
      'trimetoprima sulfametoxazol', 'trimetoprim sulfametoxazol', 'sulfametoxazol + trimetoprima', 'bactrim'],
    ['J01E', 'D06BA', 'A07EC01'], ['sulfametoxazol', 'sulfadiazina', 'sulfadiazina de plata', 'sulfasalazina', 'sulfadoxina'],
    [], 'La reactividad cruzada con sulfonamidas no antibacterianas (furosemida, hidroclorotiazida, celecoxib, sulfonilureas) es poco probable; no constituye contraindicación automática.'],
  ['AINES', 'Antiinflamatorios no esteroideos (AINE)',
    ['aine', 'aines', 'ains', 'antiinflamatorio', 'antiinflamatorios', 'antiinflamatorio no esteroideo',
      'antiinflamatorios no esteroideos', 'anti-inflamatorios', 'antiinflamatorios no esteroides', 'naproxeno sódico'],
    ['M01A', 'M02AA'],
    ['ibuprofeno', 'naproxeno', 'ketoprofeno', 'dexketoprofeno', 'diclofenaco', 'aceclofenaco', 'ketorolaco',
      'indometacina', 'meloxicam', 'piroxicam', 'celecoxib', 'etoricoxib', 'nimesulida'],
    [['ASPIRINA', 'MODERADA', 'Intolerancia cruzada AINE–ácido acetilsalicílico por inhibición de COX-1 (enfermedad respiratoria exacerbada/urticaria por AINE): evitar salvo indicación y supervisión.'],
      ['METAMIZOL', 'LEVE', 'Posible intolerancia cruzada con metamizol (inhibidor de COX) en pacientes con hipersensibilidad no selectiva a AINE.']],
    'Los coxibs (celecoxib, etoricoxib) suelen tolerarse en la intolerancia cruzada por COX-1, pero no en la alergia específica a ellos.'],
  ['ASPIRINA', 'Ácido acetilsalicílico y salicilatos',
    ['aspirina', 'asa', 'ácido acetilsalicílico', 'acetilsalicílico', 'salicilato', 'salicilatos'],
    ['N02BA', 'B01AC06'], ['ácido acetilsalicílico', 'diflunisal', 'salicilato de sodio'],
    [['AINES', 'MODERADA', 'Intolerancia cruzada ácido acetilsalicílico–AINE por inhibición de COX-1: evitar AINE no selectivos; preferir paracetamol a dosis habituales.']],
    null],
  ['METAMIZOL', 'Metamizol y pirazolonas',
    ['metamizol', 'dipirona', 'metamizol sódico', 'pirazolona', 'pirazolonas', 'antalgina', 'novalgina'],
    ['N02BB'], ['metamizol', 'propifenazona', 'fenazona'],
    [['AINES', 'LEVE', 'Posible intolerancia cruzada con AINE no selectivos en pacientes con hipersensibilidad no selectiva.']],
    'Riesgo de agranulocitosis (reacción no alérgica) a considerar en el historial.'],
  ['QUINOLONAS', 'Quinolonas y fluoroquinolonas',
    ['quinolona', 'quinolonas', 'fluoroquinolona', 'fluoroquinolonas', 'ciprofloxacina', 'levofloxacina', 'moxifloxacina'],
    ['J01MA', 'S01AE', 'S02AA15'], ['ciprofloxacino', 'levofloxacino', 'moxifloxacino', 'norfloxacino', 'ofloxacino'],
    [], 'Reactividad cruzada variable entre fluoroquinolonas; tratar la alergia a una como alergia al grupo.'],
  ['MACROLIDOS', 'Macrólidos',
    ['macrólido', 'macrólidos', 'macrolido'],
    ['J01FA', 'S01AA17'], ['azitromicina', 'claritromicina', 'eritromicina'],
    [], null],
  ['TETRACICLINAS', 'Tetraciclinas',
    ['tetraciclina', 'tetraciclinas'],
    ['J01AA'], ['doxiciclina', 'tetraciclina', 'minociclina', 'tigeciclina'],
    [], null],
  ['AMINOGLUCOSIDOS', 'Aminoglucósidos',
    ['aminoglucósido', 'aminoglucósidos', 'aminoglicósido', 'aminoglicósidos'],
    ['J01G', 'S01AA11', 'S01AA12', 'D06AX07', 'A07AA01'],
    ['amikacina', 'gentamicina', 'tobramicina', 'estreptomicina', 'neomicina', 'kanamicina'],
    [], null],
  ['LINCOSAMIDAS', 'Lincosamidas',
    ['lincosamida', 'lincosamidas'],
    ['J01FF', 'D10AF01', 'G01AA10'], ['clindamicina', 'lincomicina'],
    [], null],
  ['NITROIMIDAZOLES', 'Nitroimidazoles',
    ['nitroimidazol', 'nitroimidazoles', 'flagyl'],
    ['P01AB', 'J01XD', 'G01AF01', 'D06BX01'], ['metronidazol', 'tinidazol', 'secnidazol', 'ornidazol'],
    [], null],
  ['VANCOMICINA', 'Vancomicina y glucopéptidos',
    ['glucopéptido', 'glucopéptidos', 'glicopéptido', 'glicopéptidos'],
    ['J01XA'], ['vancomicina', 'teicoplanina'],
    [], 'El síndrome del hombre rojo por infusión rápida no es alergia verdadera; registrar el tipo de reacción.'],
  ['CLORANFENICOL', 'Cloranfenicol y anfenicoles',
    ['anfenicol', 'anfenicoles'],
    ['J01BA', 'S01AA01', 'S02AA01', 'D06AX02'], ['cloranfenicol', 'tianfenicol'],
    [], null],
  ['YODO', 'Yodo y productos yodados',
    ['yodo', 'iodo', 'yodado', 'yodados', 'yodada', 'yodadas', 'povidona', 'povidona yodada', 'iodopovidona',
      'yodopovidona', 'isodine', 'alergia al yodo'],
    ['D08AG', 'V08A'], ['povidona yodada', 'iohexol', 'iopamidol', 'iopromida', 'ioversol', 'iodixanol', 'iomeprol'],
    [], 'Grupo paraguas para el registro genérico "alergia al yodo". Las reacciones a contrastes yodados y a povidona yodada no se deben al yodo y no se relacionan con la alergia a mariscos; precisar el producto causante.'],
  ['CONTRASTE_YODADO', 'Medios de contraste yodados',
    ['contraste', 'contrastes', 'contraste yodado', 'contrastes yodados', 'medio de contraste', 'medios de contraste',
      'medio de contraste yodado', 'contraste endovenoso', 'omnipaque'],
    ['V08A'], ['iohexol', 'iopamidol', 'iopromida', 'ioversol', 'iodixanol', 'iomeprol'],
    [], 'Ante antecedente de reacción a contraste yodado: valorar premedicación o cambio de agente; no contraindica povidona yodada.'],
  ['LATEX', 'Látex (caucho natural)',
    ['látex', 'caucho', 'caucho natural', 'goma natural', 'guantes de látex', 'hule'],
    [], [],
    [], 'Sin código ATC ni ingrediente farmacológico: relevante para procedimientos (guantes, sondas, tapones de viales, equipos). Usar material libre de látex.'],
  ['OPIOIDES', 'Opioides',
    ['opioide', 'opioides', 'opiáceo', 'opiáceos', 'opiaceo', 'meperidina', 'morfínicos', 'narcóticos'],
    ['N02A', 'N01AH', 'N07BC02', 'R05DA04'],
    ['morfina', 'codeína', 'tramadol', 'fentanilo', 'petidina', 'metadona', 'oxicodona', 'hidromorfona',
      'buprenorfina', 'nalbufina', 'tapentadol', 'remifentanilo'],
    [], 'Muchas reacciones (prurito, urticaria) son por liberación directa de histamina y no alergia verdadera. Menor reactividad cruzada entre fenantrenos (morfina, codeína) y fenilpiperidinas (fentanilo, petidina).'],
  ['ANESTESICOS_LOCALES_AMIDA', 'Anestésicos locales tipo amida',
    ['anestésico local', 'anestésicos locales', 'anestesia local', 'xilocaína', 'lidocaína con epinefrina'],
    ['N01BB'], ['lidocaína', 'bupivacaína', 'levobupivacaína', 'mepivacaína', 'ropivacaína', 'prilocaína', 'articaína'],
    [], 'Sin reactividad cruzada con anestésicos tipo éster (procaína, tetracaína, benzocaína). Verificar alergia a conservantes (parabenos, metabisulfito).'],
  ['ANTICONVULSIVANTES_AROMATICOS', 'Anticonvulsivantes aromáticos',
    ['anticonvulsivante', 'anticonvulsivantes', 'anticonvulsivantes aromáticos', 'antiepiléptico', 'antiepilépticos',
      'tegretol', 'epamin'],
    ['N03AF', 'N03AB', 'N03AA', 'N03AX09'],
    ['carbamazepina', 'oxcarbazepina', 'eslicarbazepina', 'fenitoína', 'fenobarbital', 'primidona', 'lamotrigina'],
    [], 'Reactividad cruzada alta entre sí (hasta 40–60 %) en reacciones cutáneas graves (SSJ/NET, DRESS): evitar todo el grupo; preferir levetiracetam o ácido valproico.'],
  ['INSULINAS', 'Insulinas',
    ['insulina', 'insulinas'],
    ['A10A'], ['insulina'],
    [], 'La alergia puede deberse a excipientes (protamina, metacresol); valorar cambio de formulación con especialista.'],
  ['HEPARINAS', 'Heparinas',
    ['heparina', 'heparinas', 'hbpm', 'heparina de bajo peso molecular', 'heparinas de bajo peso molecular',
      'heparina no fraccionada', 'trombocitopenia inducida por heparina'],
    ['B01AB'], ['heparina', 'enoxaparina', 'dalteparina', 'nadroparina', 'tinzaparina'],
    [], 'En trombocitopenia inducida por heparina están contraindicadas heparina no fraccionada y de bajo peso molecular.'],
  ['ESTATINAS', 'Estatinas (inhibidores de la HMG-CoA reductasa)',
    ['estatina', 'estatinas'],
    ['C10AA', 'C10BA', 'C10BX'],
    ['atorvastatina', 'simvastatina', 'rosuvastatina', 'pravastatina', 'lovastatina', 'pitavastatina', 'fluvastatina'],
    [], null],
  ['IECA', 'Inhibidores de la enzima convertidora de angiotensina (IECA)',
    ['ieca', 'iecas', 'inhibidor de la eca', 'inhibidores de la eca',
      'inhibidores de la enzima convertidora de angiotensina', 'angioedema por ieca'],
    ['C09A', 'C09B'],
    ['enalapril', 'captopril', 'lisinopril', 'ramipril', 'perindopril', 'quinapril', 'benazepril'],
    [['ARA_II', 'LEVE', 'Tras angioedema por IECA, los ARA II tienen bajo riesgo de recurrencia (< 10 %): usar con precaución.']],
    'El angioedema por IECA es un efecto de clase (bradicinina): contraindica todos los IECA.'],
  ['ARA_II', 'Antagonistas del receptor de angiotensina II (ARA II)',
    ['ara ii', 'ara 2', 'ara-ii', 'antagonista de angiotensina ii', 'antagonistas de angiotensina ii', 'sartán', 'sartanes'],
    ['C09C', 'C09D'],
    ['losartán', 'valsartán', 'irbesartán', 'telmisartán', 'candesartán', 'olmesartán'],
    [['IECA', 'LEVE', 'Angioedema previo por ARA II: precaución con IECA.']],
    null],
  ['ALOPURINOL', 'Alopurinol',
    ['alopurinol', 'allopurinol', 'zyloprim'],
    ['M04AA01'], ['alopurinol'],
    [], 'Riesgo de reacciones cutáneas graves (SSJ/NET, DRESS), asociado a HLA-B*58:01: no reexponer.'],
];

const PARAGUAS = new Set(['BETALACTAMICOS', 'YODO']);
const SEVERIDADES = new Set(['LEVE', 'MODERADA', 'ALTA']);
const ATC_PREFIX_RE = /^[A-Z](\d\d([A-Z]([A-Z](\d\d)?)?)?)?$/;
const strip = (s) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').normalize('NFC');

/** Singular/plural con y sin tildes, en minúscula, sin repetidos y en orden estable. */
function variantes(lista) {
  const out = new Set();
  for (const s of lista) {
    const l = s.toLowerCase().trim();
    out.add(l);
    out.add(strip(l));
  }
  return [...out].sort(cmp);
}

const errors = [];
const codigos = new Set(GRUPOS.map((g) => g[0]));
if (codigos.size !== GRUPOS.length) errors.push('códigos de grupo repetidos');

const groups = GRUPOS.map(([codigo, nombre, sin, atc, ing, cruz, nota]) => {
  for (const p of atc) if (!ATC_PREFIX_RE.test(p)) errors.push(`${codigo}: prefijo ATC inválido ${p}`);
  for (const [g, sev] of cruz) {
    if (!codigos.has(g)) errors.push(`${codigo}: grupo cruzado inexistente ${g}`);
    if (!SEVERIDADES.has(sev)) errors.push(`${codigo}: severidad inválida ${sev}`);
    if (g === codigo) errors.push(`${codigo}: reactividad cruzada consigo mismo`);
  }
  return {
    codigo,
    nombre,
    // En los grupos paraguas los nombres de principios activos no se usan como sinónimos, para que
    // "amoxicilina" remita solo a PENICILINAS (con su reactividad cruzada) y no a todo el paraguas.
    sinonimos: variantes([...sin, ...(PARAGUAS.has(codigo) ? [] : ing)]),
    atcPrefijos: [...atc].sort(cmp),
    ingredientes: [...new Set(ing.map((s) => s.toLowerCase()))].sort(cmp),
    reactividadCruzada: cruz.map(([grupo, severidad, n]) => ({ grupo, severidad, nota: n })),
    nota,
  };
});
const sinonimoDe = new Map();
for (const g of groups) {
  for (const s of g.sinonimos) {
    if (sinonimoDe.has(s)) errors.push(`sinónimo repetido "${s}": ${sinonimoDe.get(s)} y ${g.codigo}`);
    sinonimoDe.set(s, g.codigo);
  }
}
if (errors.length) {
  console.error(errors.join('\n'));
  process.exit(1);
}

const file = writeJson('allergen-groups.json', groups);
console.log(`${groups.length} grupos de alérgenos -> ${file}`);

// Contraste con el catálogo de medicamentos: ATC cubierto por un grupo cuyo principio activo no figura
// entre sus ingredientes, o ingrediente del grupo presente con un ATC fuera de sus prefijos.
const medsFile = path.join(SEEDS, 'medications.json');
if (fs.existsSync(medsFile)) {
  const meds = JSON.parse(fs.readFileSync(medsFile, 'utf8'));
  const avisos = new Set();
  for (const g of groups) {
    const ings = g.ingredientes.map(norm);
    for (const m of meds) {
      const partes = m.dci.split(' + ').map(norm);
      const porAtc = g.atcPrefijos.some((p) => m.codigoAtc.startsWith(p));
      const porIng = partes.some((p) => ings.some((i) => p === i || p.startsWith(i + ' ')));
      if (porAtc && !porIng) avisos.add(`${g.codigo}: ATC ${m.codigoAtc} (${m.dci}) sin ingrediente en el grupo`);
      if (porIng && !porAtc) avisos.add(`${g.codigo}: ${m.dci} ${m.codigoAtc} fuera de atcPrefijos (se detecta por ingrediente)`);
    }
  }
  for (const a of avisos) console.log('aviso:', a);
}
