export const MAX_FILE_NAME = 200;

// C0/C1 controls, DEL, characters Windows and shells reserve, and invisible or bidirectional
// marks that can disguise an extension ("resumen\u202Efdp.exe" shows as "resumenexe.pdf").
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u001F\u007F-\u009F<>:"|?*\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/gu;
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i;

/** Cuts by characters (never inside a surrogate pair), keeping the extension when there is one. */
export function limitLength(name: string, max = MAX_FILE_NAME): string {
  const chars = [...name];
  if (chars.length <= max) return name;
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 ? [...name.slice(dot)] : [];
  if (ext.length === 0 || ext.length > 16) return chars.slice(0, max).join('');
  return [...chars.slice(0, chars.length - ext.length).slice(0, max - ext.length), ...ext].join('');
}

/**
 * A name safe to store and to offer in Content-Disposition: no directory parts (either
 * separator), no control or reserved characters, no leading dots, trimmed, accents kept
 * (NFC). Returns '' when nothing usable is left.
 */
export function sanitizeFileName(raw: string): string {
  const base = raw.normalize('NFC').split(/[/\\]/).pop() ?? '';
  let name = base.replace(/\s+/g, ' ').replace(FORBIDDEN, '').trim();
  name = name.replace(/^[.\s]+/, '').replace(/[.\s]+$/, '');
  if (WINDOWS_RESERVED.test(name)) name = `_${name}`;
  return limitLength(name);
}
