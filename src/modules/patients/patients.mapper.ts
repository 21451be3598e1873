import type { Keyring } from '../../shared/crypto/keyring.js';
import { ageInYears } from '../../shared/time.js';
import type { PatientDto } from './patients.schemas.js';
import type { patients } from './patients.table.js';

export type PatientRow = typeof patients.$inferSelect;

export const DOC_AAD = 'patients.numero_documento';
export const APODERADO_AAD = 'patients.apoderado_documento';

/** Blind index input: the normalised number alone; uniqueness is per (tipoDocumento, index). */
export function documentIndexInput(numero: string): string {
  return `patient-doc:${numero.trim().toUpperCase()}`;
}

export function patientFullName(p: { nombres: string; apellidoPaterno: string; apellidoMaterno: string | null }): string {
  return [p.nombres, p.apellidoPaterno, p.apellidoMaterno].filter(Boolean).join(' ');
}

export function toPatientDto(row: PatientRow, keyring: Keyring): PatientDto {
  const apoderado = row.apoderado
    ? { ...row.apoderado, numeroDocumento: row.apoderadoDocumentoEnc ? keyring.decrypt(row.apoderadoDocumentoEnc, APODERADO_AAD) : '' }
    : null;
  return {
    id: row.id,
    patient_id: row.id,
    numeroHistoriaClinica: row.numeroHistoriaClinica,
    tipoDocumento: row.tipoDocumento as PatientDto['tipoDocumento'],
    tipoDocumentoDetalle: row.tipoDocumentoDetalle,
    numeroDocumento: row.numeroDocumentoEnc ? keyring.decrypt(row.numeroDocumentoEnc, DOC_AAD) : null,
    identificacionPendiente: row.identificacionPendiente,
    nombres: row.nombres,
    apellidoPaterno: row.apellidoPaterno,
    apellidoMaterno: row.apellidoMaterno,
    nombreCompleto: patientFullName(row),
    fechaNacimiento: row.fechaNacimiento,
    edad: ageInYears(row.fechaNacimiento),
    sexo: row.sexo as PatientDto['sexo'],
    estadoCivil: row.estadoCivil,
    nacionalidad: row.nacionalidad,
    direccion: row.direccion,
    departamento: row.departamento,
    provincia: row.provincia,
    distrito: row.distrito,
    ubigeo: row.ubigeo,
    ubigeoReniec: row.ubigeoReniec,
    telefonoMovil: row.telefonoMovil,
    telefonoFijo: row.telefonoFijo,
    email: row.email,
    codigoExternoPaciente: row.codigoExternoPaciente,
    pacsPatientId: row.pacsPatientId,
    lisPatientId: row.lisPatientId,
    grupoSanguineo: row.grupoSanguineo,
    factorRh: row.factorRh,
    antecedentesCronicos: row.antecedentesCronicos,
    medicacionActual: row.medicacionActual,
    alergias: row.alergias,
    contactoEmergencia: row.contactoEmergencia,
    apoderado,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
