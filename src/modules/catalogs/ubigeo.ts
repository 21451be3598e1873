import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FieldError } from '../../shared/errors.js';
import { seedsFolder } from '../../shared/paths.js';
import { fold } from '../../shared/text.js';

/**
 * Peru's ubigeo (INEI codes, which MINSA and SUSALUD reports use, with RENIEC's alongside;
 * they differ, e.g. Piura is INEI 20 / RENIEC 19). Loaded once from seeds/ubigeo.json, a
 * data file of the project's own (sources in seeds/README.md); small enough for memory.
 */
export interface UbigeoDistrict {
  inei: string;
  reniec: string | null;
  departamento: string;
  provincia: string;
  distrito: string;
}

interface UbigeoFile {
  fuente: string;
  departamentos: { inei: string; reniec: string | null; nombre: string }[];
  provincias: { inei: string; reniec: string | null; departamento_inei: string; nombre: string }[];
  distritos: UbigeoDistrict[];
}

export class Ubigeo {
  readonly fuente: string;
  readonly departamentos: UbigeoFile['departamentos'];
  readonly provincias: UbigeoFile['provincias'];
  readonly distritos: UbigeoDistrict[];
  private readonly districtByInei = new Map<string, UbigeoDistrict>();
  /** Folded names, computed once: resolve() runs on every patient write. */
  private readonly folded = new Map<object, string>();
  /** Folded "distrito provincia departamento" for the free-text search. */
  private readonly foldedPlace = new Map<UbigeoDistrict, string>();
  /** resolve()'s look-ups by "parent code|folded name" (the first in file order, as a scan would find). */
  private readonly provinceByName = new Map<string, UbigeoFile['provincias'][number]>();
  private readonly districtByName = new Map<string, UbigeoDistrict>();

  constructor(data: UbigeoFile) {
    this.fuente = data.fuente;
    this.departamentos = data.departamentos;
    this.provincias = data.provincias;
    this.distritos = data.distritos;
    for (const d of data.distritos) {
      this.districtByInei.set(d.inei, d);
      this.folded.set(d, fold(d.distrito));
      this.foldedPlace.set(d, fold(`${d.distrito} ${d.provincia} ${d.departamento}`));
      const key = `${d.inei.slice(0, 4)}|${this.folded.get(d)}`;
      if (!this.districtByName.has(key)) this.districtByName.set(key, d);
    }
    for (const x of [...data.departamentos, ...data.provincias]) this.folded.set(x, fold(x.nombre));
    for (const p of data.provincias) {
      const key = `${p.departamento_inei}|${this.folded.get(p)}`;
      if (!this.provinceByName.has(key)) this.provinceByName.set(key, p);
    }
  }

  static load(file = join(seedsFolder, 'ubigeo.json')): Ubigeo {
    return new Ubigeo(JSON.parse(readFileSync(file, 'utf8')) as UbigeoFile);
  }

  byInei(code: string): UbigeoDistrict | undefined {
    return this.districtByInei.get(code);
  }

  /** A department by INEI code or name (accent- and case-insensitive). */
  findDepartamento(value: string) {
    const v = value.trim();
    if (/^\d{2}$/.test(v)) return this.departamentos.find((d) => d.inei === v);
    const name = fold(v);
    return this.departamentos.find((d) => this.folded.get(d) === name);
  }

  findProvincias(value: string, departamentoInei?: string) {
    const v = value.trim();
    const code = /^\d{4}$/.test(v);
    const name = code ? v : fold(v);
    return this.provincias.filter((p) =>
      (code ? p.inei === v : this.folded.get(p) === name) && (!departamentoInei || p.departamento_inei === departamentoInei));
  }

  /**
   * Validates a departamento/provincia/distrito combination given as names or INEI codes.
   * Returns the district, or field errors naming what does not fit.
   */
  resolve(input: { departamento?: string | null; provincia?: string | null; distrito?: string | null }):
    { district?: UbigeoDistrict; errors: FieldError[] } {
    const { departamento, provincia, distrito } = input;
    if (!departamento && !provincia && !distrito) return { errors: [] };
    if (distrito && /^\d{6}$/.test(distrito.trim()) && !departamento && !provincia) {
      const d = this.byInei(distrito.trim());
      return d ? { district: d, errors: [] } : { errors: [{ path: 'distrito', message: 'Código de ubigeo inexistente.' }] };
    }
    const errors: FieldError[] = [];
    if (!departamento) errors.push({ path: 'departamento', message: 'Indique el departamento junto con provincia y distrito.' });
    if (!provincia) errors.push({ path: 'provincia', message: 'Indique la provincia junto con departamento y distrito.' });
    if (!distrito) errors.push({ path: 'distrito', message: 'Indique el distrito junto con departamento y provincia.' });
    if (errors.length) return { errors };
    const dep = this.findDepartamento(departamento!);
    if (!dep) return { errors: [{ path: 'departamento', message: `Departamento '${departamento}' no existe.` }] };
    const p = provincia!.trim();
    const prov = /^\d{4}$/.test(p) ? this.findProvincias(p, dep.inei)[0] : this.provinceByName.get(`${dep.inei}|${fold(p)}`);
    if (!prov) return { errors: [{ path: 'provincia', message: `La provincia '${provincia}' no pertenece al departamento ${dep.nombre}.` }] };
    const v = distrito!.trim();
    const byCode = /^\d{6}$/.test(v) ? this.byInei(v) : undefined;
    const district = byCode ? (byCode.inei.startsWith(prov.inei) ? byCode : undefined) : this.districtByName.get(`${prov.inei}|${fold(v)}`);
    if (!district) return { errors: [{ path: 'distrito', message: `El distrito '${distrito}' no pertenece a la provincia ${prov.nombre} (${dep.nombre}).` }] };
    return { district, errors: [] };
  }

  search(query: string, limit: number, offset: number): { data: UbigeoDistrict[]; total: number } {
    const q = fold(query);
    const matches = this.distritos.filter((d) => d.inei.startsWith(q) || (d.reniec ?? '').startsWith(q) ||
      this.foldedPlace.get(d)!.includes(q));
    // Exact district names first, then by code.
    matches.sort((a, b) => Number(this.folded.get(b) === q) - Number(this.folded.get(a) === q) || a.inei.localeCompare(b.inei));
    return { data: matches.slice(offset, offset + limit), total: matches.length };
  }
}

let shared: Ubigeo | undefined;
export function ubigeo(): Ubigeo {
  shared ??= Ubigeo.load();
  return shared;
}
