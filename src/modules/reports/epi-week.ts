/**
 * Epidemiological weeks as MINSA's CDC numbers them (the US CDC MMWR rule): weeks run Sunday
 * to Saturday and week 1 is the first week with at least four days in the calendar year, i.e.
 * the week that contains 4 January. Late-December days can therefore belong to week 1 of the
 * next year and early-January days to week 52 or 53 of the previous one.
 */

export interface EpiWeek {
  /** Epidemiological year (may differ from the calendar year near 1 January). */
  year: number;
  week: number;
}

const DAY_MS = 86_400_000;

function utcDay(iso: string): number {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d);
}

function isoOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The Sunday that starts week 1 of an epidemiological year. */
function firstSunday(year: number): number {
  const jan4 = Date.UTC(year, 0, 4);
  return jan4 - new Date(jan4).getUTCDay() * DAY_MS;
}

/** The epidemiological week of a date (YYYY-MM-DD). */
export function epiWeekOf(date: string): EpiWeek {
  const day = utcDay(date);
  const calendarYear = Number(date.slice(0, 4));
  let year = calendarYear;
  if (day < firstSunday(calendarYear)) year = calendarYear - 1;
  else if (day >= firstSunday(calendarYear + 1)) year = calendarYear + 1;
  return { year, week: Math.floor((day - firstSunday(year)) / (7 * DAY_MS)) + 1 };
}

/** 52, or 53 when the year's last Saturday leaves 4 or more January days for the next year's week 1. */
export function weeksInEpiYear(year: number): number {
  return Math.round((firstSunday(year + 1) - firstSunday(year)) / (7 * DAY_MS));
}

/** First (Sunday) and last (Saturday) date of a week; undefined when the week does not exist. */
export function epiWeekRange(year: number, week: number): { desde: string; hasta: string } | undefined {
  if (!Number.isInteger(week) || week < 1 || week > weeksInEpiYear(year)) return undefined;
  const start = firstSunday(year) + (week - 1) * 7 * DAY_MS;
  return { desde: isoOf(start), hasta: isoOf(start + 6 * DAY_MS) };
}

/** '2026-05': the label NotiWeb and the reports use (two-digit week). */
export function formatEpiWeek(w: EpiWeek): string {
  return `${w.year}-${String(w.week).padStart(2, '0')}`;
}

/** Parses '2026-05'; undefined when malformed or the year has no such week. */
export function parseEpiWeek(value: string): (EpiWeek & { desde: string; hasta: string }) | undefined {
  const match = /^(\d{4})-(\d{2})$/.exec(value);
  if (!match) return undefined;
  const year = Number(match[1]);
  const week = Number(match[2]);
  const range = epiWeekRange(year, week);
  return range ? { year, week, ...range } : undefined;
}
