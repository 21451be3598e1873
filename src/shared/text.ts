/** Accent- and case-insensitive key: "Núñez" → "nunez". Mirrors the SQL function hce_fold. */
export function fold(value: string): string {
  return value.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();
}
