import type { Db, DbOrTx } from '../../db/client.js';
import { NotFoundError, ValidationError } from '../../shared/errors.js';
import { fold } from '../../shared/text.js';
import type { AuditService } from '../audit/audit.service.js';
import { checkAllergies, type AllergyAlert, type CurrentMedication, type PatientAllergy } from './allergy-check.js';
import { catalogsRepository as repo, type AllergenGroupRow, type DiagnosisRow, type MedicationRow, type NotifiableDiseaseRow, type ProcedureRow } from './catalogs.repository.js';
import type { AllergenGroupDto, DiagnosisDto, MedicationDto, NotifiableDiseaseDto, ProcedureDto } from './catalogs.schemas.js';
import type { ProcedureType } from './catalogs.table.js';
import { normalizeCieCode } from './cie10.js';
import { CatalogImporter } from './import/importer.js';
import { searchWords } from './search-text.js';
import { TemplatesService } from './templates.service.js';

interface Page {
  limit: number;
  offset: number;
}

/** Other processes may import too: the in-memory allergen groups are re-read at least this often. */
const ALLERGEN_CACHE_MS = 5 * 60_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const diagnosisDto = (r: DiagnosisRow): DiagnosisDto => ({
  id: r.id, sistema: r.sistema, codigo: r.codigo, descripcion: r.descripcion, nivel: r.nivel, capitulo: r.capitulo, grupo: r.grupo, activo: r.activo,
});
const medicationDto = (r: MedicationRow): MedicationDto => ({
  id: r.id, dci: r.dci, concentracion: r.concentracion, formaFarmaceutica: r.formaFarmaceutica, via: r.via, codigoAtc: r.codigoAtc,
  grupoTerapeutico: r.grupoTerapeutico, codigoDigemid: r.codigoDigemid, registroSanitario: r.registroSanitario, nombreComercial: r.nombreComercial,
  presentacion: r.presentacion, titular: r.titular, fabricante: r.fabricante, petitorio: r.petitorio, controlado: r.controlado, activo: r.activo,
  descripcion: [r.dci, r.concentracion, r.formaFarmaceutica].filter(Boolean).join(' '),
});
const procedureDto = (r: ProcedureRow): ProcedureDto => ({ id: r.id, codigo: r.codigo, nombre: r.nombre, tipo: r.tipo, especialidad: r.especialidad, activo: r.activo });
const allergenDto = (r: AllergenGroupRow): AllergenGroupDto => ({
  id: r.id, codigo: r.codigo, nombre: r.nombre, sinonimos: r.sinonimos, atcPrefijos: r.atcPrefijos, ingredientes: r.ingredientes,
  reactividadCruzada: r.reactividadCruzada, nota: r.nota, activo: r.activo,
});
const notifiableDto = (r: NotifiableDiseaseRow): NotifiableDiseaseDto => ({
  id: r.id, codigo: r.codigo, nombre: r.nombre, cieCodigos: r.cieCodigos, periodicidad: r.periodicidad, fuente: r.fuente, verificado: r.verificado, activo: r.activo,
});

/**
 * Catalogs (RF6): the searches behind the catalog endpoints, and the lookups other modules use
 * to validate what they store (CIE codes, medicines, procedures, allergy and notification rules).
 */
export class CatalogsService {
  readonly importer: CatalogImporter;
  readonly templates: TemplatesService;
  private allergenCache: { at: number; groups: AllergenGroupDto[] } | undefined;

  constructor(
    private readonly db: Db,
    audit: AuditService,
  ) {
    this.importer = new CatalogImporter(db, audit, (catalog) => {
      if (catalog === 'allergens') this.invalidateAllergens();
    });
    this.templates = new TemplatesService(db, audit);
  }

  /** 'j069' → 'J06.9', 'J06.9' → 'J06.9', 'a97' → 'A97'; invalid → undefined. */
  normalizeCieCode(input: string): string | undefined {
    return normalizeCieCode(input);
  }

  async searchDiagnoses(filter: Page & { search?: string | undefined; sistema: string; incluirInactivos?: boolean | undefined }) {
    const { rows, total } = await repo.searchDiagnoses(this.db, filter);
    return { data: rows.map(diagnosisDto), total, limit: filter.limit, offset: filter.offset };
  }

  /** A diagnosis by code in any accepted spelling ('j069', 'J06.9'), or undefined. */
  async getDiagnosis(db: DbOrTx, code: string, sistema = 'CIE-10'): Promise<DiagnosisDto | undefined> {
    const codigo = sistema === 'CIE-10' ? normalizeCieCode(code) : code.trim().toUpperCase();
    if (!codigo) return undefined;
    const row = await repo.findDiagnosis(db, sistema, codigo);
    return row ? diagnosisDto(row) : undefined;
  }

  async requireDiagnosis(code: string, sistema: string): Promise<DiagnosisDto> {
    if (sistema === 'CIE-10' && !normalizeCieCode(code)) {
      throw new ValidationError([{ path: 'codigo', message: 'Código CIE-10 inválido (ejemplos: J18.9, J189, A97).' }]);
    }
    const found = await this.getDiagnosis(this.db, code, sistema);
    if (!found) throw new NotFoundError('DIAGNOSIS_NOT_FOUND', `El código ${code.trim().toUpperCase()} no existe en ${sistema}.`);
    return found;
  }

  async countDiagnoses(db: DbOrTx = this.db): Promise<number> {
    return repo.countDiagnoses(db);
  }

  async searchMedications(filter: Page & { search?: string | undefined; petitorio?: boolean | undefined; controlado?: boolean | undefined; incluirInactivos?: boolean | undefined }) {
    const { rows, total } = await repo.searchMedications(this.db, filter);
    return { data: rows.map(medicationDto), total, limit: filter.limit, offset: filter.offset };
  }

  async getMedication(db: DbOrTx, id: string): Promise<MedicationDto | undefined> {
    // Callers may pass what a client sent; a non-UUID must not reach the uuid column as a 500.
    if (!UUID.test(id)) return undefined;
    const row = await repo.findMedication(db, id);
    return row ? medicationDto(row) : undefined;
  }

  async requireMedication(id: string): Promise<MedicationDto> {
    const found = await this.getMedication(this.db, id);
    if (!found) throw new NotFoundError('MEDICATION_NOT_FOUND', 'El medicamento no existe en el catálogo.');
    return found;
  }

  async searchProcedures(filter: Page & { search?: string | undefined; tipo?: ProcedureType | undefined; especialidad?: string | undefined; incluirInactivos?: boolean | undefined }) {
    const { rows, total } = await repo.searchProcedures(this.db, filter);
    return { data: rows.map(procedureDto), total, limit: filter.limit, offset: filter.offset };
  }

  /** A procedure by CPMS code, or by id for those without one. */
  async getProcedure(db: DbOrTx, code: string): Promise<ProcedureDto | undefined> {
    const row = await repo.findProcedure(db, code.trim());
    return row ? procedureDto(row) : undefined;
  }

  /** Active allergen groups, kept in memory (the allergy check runs on every prescription). */
  async allergenGroups(db: DbOrTx = this.db): Promise<AllergenGroupDto[]> {
    if (this.allergenCache && Date.now() - this.allergenCache.at < ALLERGEN_CACHE_MS) return this.allergenCache.groups;
    const groups = (await repo.listAllergenGroups(db)).map(allergenDto);
    this.allergenCache = { at: Date.now(), groups };
    return groups;
  }

  invalidateAllergens(): void {
    this.allergenCache = undefined;
  }

  async searchAllergens(filter: Page & { search?: string | undefined }) {
    const groups = await this.allergenGroups();
    const words = filter.search ? searchWords(filter.search) : [];
    const matches = words.length
      ? groups.filter((g) => {
        const haystack = fold([g.codigo, g.nombre, ...g.sinonimos, ...g.ingredientes, ...g.atcPrefijos].join(' '));
        return words.every((w) => haystack.includes(w));
      })
      : groups;
    return { data: matches.slice(filter.offset, filter.offset + filter.limit), total: matches.length, limit: filter.limit, offset: filter.offset };
  }

  /** The notifiable disease a CIE-10 code falls under: by exact code, else by its 3-character category. */
  async notifiableMatch(db: DbOrTx, cieCode: string): Promise<NotifiableDiseaseDto | undefined> {
    const code = normalizeCieCode(cieCode);
    if (!code) return undefined;
    const category = code.slice(0, 3);
    const rows = await repo.notifiableByCodes(db, [...new Set([code, category])]);
    const exact = rows.find((r) => r.cieCodigos.includes(code));
    const row = exact ?? rows[0];
    return row ? notifiableDto(row) : undefined;
  }

  /** Alerts for prescribing a catalog medicine to a patient with these allergies and medicines. */
  async prescriptionAlerts(db: DbOrTx, input: { medicamentoId: string; alergias: PatientAllergy[]; medicacionActual: CurrentMedication[] }): Promise<AllergyAlert[]> {
    const medication = await this.getMedication(db, input.medicamentoId);
    if (!medication) throw new ValidationError([{ path: 'medicamento_id', message: 'El medicamento no existe en el catálogo.' }]);
    return checkAllergies({ alergias: input.alergias, medicacionActual: input.medicacionActual, medication, groups: await this.allergenGroups(db) });
  }
}
