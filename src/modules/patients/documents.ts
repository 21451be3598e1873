/**
 * Peruvian identity documents. Pure functions, unit-tested with known-good and known-bad
 * numbers (documents.test.ts).
 */
export const TIPOS_DOCUMENTO = ['DNI', 'CARNET_EXTRANJERIA', 'PASAPORTE', 'RUC', 'OTROS'] as const;
export type TipoDocumento = (typeof TIPOS_DOCUMENTO)[number];

/** Details for OTROS: CPP/PTP (migrants' permits), CNV (newborn's live-birth certificate), CUI, DIE, … */
export const DETALLES_OTROS = ['CPP', 'PTP', 'CNV', 'CUI', 'DIE', 'CARNET_REFUGIO', 'SIN_DOCUMENTO', 'OTRO'] as const;
export type DetalleOtros = (typeof DETALLES_OTROS)[number];

const DNI_WEIGHTS = [3, 2, 7, 6, 5, 4, 3, 2];

/** RENIEC's check character for a DNI: digit form and letter form of the same index. */
export function dniCheckCharacters(dni: string): { digit: string; letter: string } {
  const sum = [...dni].reduce((acc, d, i) => acc + Number(d) * DNI_WEIGHTS[i]!, 0);
  const c = sum % 11;
  return { digit: '65432110987'[c]!, letter: 'KJIHGFEDCBA'[c]! };
}

export function isValidDniCheck(dni: string, check: string): boolean {
  const { digit, letter } = dniCheckCharacters(dni);
  const given = check.trim().toUpperCase();
  return given === digit || given === letter;
}

const RUC_WEIGHTS = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];

/** SUNAT's modulo-11 check digit over the first ten digits. */
export function rucCheckDigit(ruc: string): number {
  const sum = RUC_WEIGHTS.reduce((acc, w, i) => acc + w * Number(ruc[i]), 0);
  return (11 - (sum % 11)) % 10;
}

export function isValidRuc(ruc: string): boolean {
  return /^(10|15|17|20)\d{9}$/.test(ruc) && rucCheckDigit(ruc) === Number(ruc[10]);
}

/** Returns a Spanish message when the number does not fit the document type, else undefined. */
export function documentNumberProblem(tipo: TipoDocumento, numero: string, detalle?: DetalleOtros | null): string | undefined {
  switch (tipo) {
    case 'DNI':
      return /^\d{8}$/.test(numero) ? undefined : 'El DNI debe tener exactamente 8 dígitos.';
    case 'RUC':
      if (!/^\d{11}$/.test(numero)) return 'El RUC debe tener exactamente 11 dígitos.';
      if (!/^(10|15|17|20)/.test(numero)) return 'El RUC debe empezar con 10, 15, 17 o 20.';
      return isValidRuc(numero) ? undefined : 'El dígito verificador del RUC no es válido.';
    case 'CARNET_EXTRANJERIA':
      return /^[A-Z0-9]{8,12}$/.test(numero) ? undefined : 'El carné de extranjería tiene de 8 a 12 caracteres alfanuméricos.';
    case 'PASAPORTE':
      return /^[A-Z0-9]{6,12}$/.test(numero) ? undefined : 'El pasaporte tiene de 6 a 12 caracteres alfanuméricos.';
    case 'OTROS':
      if (detalle === 'CNV') return /^\d{8,10}$/.test(numero) ? undefined : 'El CNV tiene de 8 a 10 dígitos.';
      if (detalle === 'CUI') return /^\d{8}$/.test(numero) ? undefined : 'El CUI tiene 8 dígitos.';
      return /^[A-Z0-9-]{4,20}$/.test(numero) ? undefined : 'El número de documento tiene de 4 a 20 caracteres alfanuméricos.';
  }
}
