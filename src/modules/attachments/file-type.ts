/**
 * The content type of an upload is decided by its first bytes, never by what the client
 * says: a client's claim is only checked against it.
 */
export const ALLOWED_TYPES = ['application/pdf', 'image/jpeg', 'image/png', 'image/tiff', 'application/dicom', 'text/plain'] as const;
export type AllowedType = (typeof ALLOWED_TYPES)[number];

/** How much of the file the sniffer looks at (plain text is judged on this prefix). */
export const SNIFF_BYTES = 8192;

const startsWith = (head: Buffer, bytes: number[], offset = 0) =>
  head.length >= offset + bytes.length && bytes.every((b, i) => head[offset + i] === b);

/** `complete` says the head is the whole file (so a multi-byte character cannot be cut at its end). */
export function sniffType(head: Buffer, complete: boolean): AllowedType | undefined {
  if (startsWith(head, [0x25, 0x50, 0x44, 0x46, 0x2d])) return 'application/pdf'; // %PDF-
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(head, [0x49, 0x49, 0x2a, 0x00]) || startsWith(head, [0x4d, 0x4d, 0x00, 0x2a])) return 'image/tiff';
  if (startsWith(head, [0x44, 0x49, 0x43, 0x4d], 128)) return 'application/dicom'; // "DICM" after the 128-byte preamble
  if (head.length > 0 && !head.includes(0) && isUtf8(head, complete)) return 'text/plain';
  return undefined;
}

function isUtf8(bytes: Buffer, complete: boolean): boolean {
  try {
    // `stream: true` tolerates a character cut at the end of a prefix; a complete file may not end mid-character.
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: !complete });
    return true;
  } catch {
    return false;
  }
}

const CLAIM_ALIASES: Record<string, AllowedType> = {
  'application/pdf': 'application/pdf', 'application/x-pdf': 'application/pdf',
  'image/jpeg': 'image/jpeg', 'image/jpg': 'image/jpeg', 'image/pjpeg': 'image/jpeg',
  'image/png': 'image/png', 'image/x-png': 'image/png',
  'image/tiff': 'image/tiff', 'image/tif': 'image/tiff',
  'application/dicom': 'application/dicom',
  'text/plain': 'text/plain', 'text/csv': 'text/plain',
};

/** Claims that say nothing (browsers send them for unknown extensions). */
const GENERIC_CLAIMS = new Set(['', 'application/octet-stream', 'binary/octet-stream', 'application/unknown']);

export type ClaimCheck = { ok: true } | { ok: false; claimed: string };

/** A specific claim must name the sniffed type; a generic or absent one is accepted. */
export function checkClaim(claim: string | undefined, sniffed: AllowedType): ClaimCheck {
  const normalized = (claim ?? '').split(';')[0]!.trim().toLowerCase();
  if (GENERIC_CLAIMS.has(normalized)) return { ok: true };
  return CLAIM_ALIASES[normalized] === sniffed ? { ok: true } : { ok: false, claimed: normalized.slice(0, 80) };
}

const EXTENSIONS: Record<AllowedType, string[]> = {
  'application/pdf': ['pdf'],
  'image/jpeg': ['jpg', 'jpeg', 'jpe', 'jfif'],
  'image/png': ['png'],
  'image/tiff': ['tif', 'tiff'],
  'application/dicom': ['dcm', 'dicom'],
  'text/plain': ['txt', 'text', 'csv', 'log'],
};

const TYPE_BY_EXTENSION = new Map(Object.entries(EXTENSIONS).flatMap(([type, exts]) => exts.map((e) => [e, type as AllowedType])));

export function extensionOf(fileName: string): string | undefined {
  const dot = fileName.lastIndexOf('.');
  return dot > 0 ? fileName.slice(dot + 1).toLowerCase() : undefined;
}

/**
 * A name whose extension belongs to another allowed type is a contradicting claim
 * (`undefined`); any other extension gets the type's own appended, so a saved copy never
 * opens as something else (`informe.html` → `informe.html.pdf`).
 */
export function nameForType(fileName: string, type: AllowedType): string | undefined {
  const ext = extensionOf(fileName);
  if (ext && EXTENSIONS[type].includes(ext)) return fileName;
  if (ext && TYPE_BY_EXTENSION.has(ext)) return undefined;
  return `${fileName}.${EXTENSIONS[type][0]!}`;
}

export const TYPE_LABELS: Record<AllowedType, string> = {
  'application/pdf': 'PDF', 'image/jpeg': 'JPEG', 'image/png': 'PNG', 'image/tiff': 'TIFF', 'application/dicom': 'DICOM', 'text/plain': 'texto plano (UTF-8)',
};
