const limaDate = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Lima', year: 'numeric', month: '2-digit', day: '2-digit' });
const limaTime = new Intl.DateTimeFormat('en-GB', { timeZone: 'America/Lima', hour: '2-digit', minute: '2-digit', hour12: false });

/** The clinic's calendar date (America/Lima, no DST) as YYYY-MM-DD. */
export function todayInLima(now: Date = new Date()): string {
  return limaDate.format(now);
}

export function timeInLima(now: Date = new Date()): string {
  return limaTime.format(now);
}

/** Whole years between a birth date and a reference date (both YYYY-MM-DD). */
export function ageInYears(birthDate: string, onDate: string = todayInLima()): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [y, m, d] = onDate.split('-').map(Number) as [number, number, number];
  let age = y - by;
  if (m < bm || (m === bm && d < bd)) age -= 1;
  return age;
}

/** A Lima wall-clock date and time (YYYY-MM-DD, HH:MM) as an absolute instant (UTC−5). */
export function limaInstant(fecha: string, hora: string): Date {
  return new Date(`${fecha}T${hora}:00-05:00`);
}
