const limaDate = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Lima', year: 'numeric', month: '2-digit', day: '2-digit' });
const limaTime = new Intl.DateTimeFormat('en-GB', { timeZone: 'America/Lima', hour: '2-digit', minute: '2-digit', hour12: false });

let today = { second: Number.NaN, date: '' };

/**
 * The clinic's calendar date (America/Lima, no DST) as YYYY-MM-DD. Without `now`, worked out at
 * most once per clock second (every patient's age in a list asks for it; Intl's time-zone
 * formatting is the costly part).
 */
export function todayInLima(now?: Date): string {
  if (now) return limaDate.format(now);
  const second = Math.floor(Date.now() / 1000);
  if (second !== today.second) today = { second, date: limaDate.format(new Date(second * 1000)) };
  return today.date;
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
