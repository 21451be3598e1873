import { describe, expect, it } from 'vitest';
import { epiWeekOf, epiWeekRange, formatEpiWeek, parseEpiWeek, weeksInEpiYear } from './epi-week.js';

const label = (date: string) => formatEpiWeek(epiWeekOf(date));

describe('epidemiological week (MINSA/CDC, MMWR rule)', () => {
  it('puts early-January days in the previous year when week 1 starts later', () => {
    // 2026-01-01 is a Thursday; 4 January 2026 is a Sunday, so week 1 of 2026 starts that day.
    expect(label('2026-01-01')).toBe('2025-53');
    expect(label('2026-01-03')).toBe('2025-53');
    expect(label('2026-01-04')).toBe('2026-01');
    expect(label('2026-01-10')).toBe('2026-01');
    expect(label('2026-01-11')).toBe('2026-02');
  });

  it('puts late-December days in week 53 when the year has one', () => {
    expect(label('2025-12-27')).toBe('2025-52');
    expect(label('2025-12-28')).toBe('2025-53');
    expect(label('2025-12-30')).toBe('2025-53');
    expect(label('2025-12-31')).toBe('2025-53');
  });

  it('puts late-December days in week 1 of the next year when January gets four or more days', () => {
    // 2024-01-04 is a Thursday: week 1 of 2024 runs 2023-12-31 to 2024-01-06.
    expect(label('2023-12-31')).toBe('2024-01');
    expect(label('2023-12-30')).toBe('2023-52');
    // 2025-01-04 is a Saturday: week 1 of 2025 starts Sunday 2024-12-29.
    expect(label('2024-12-28')).toBe('2024-52');
    expect(label('2024-12-29')).toBe('2025-01');
    expect(label('2025-01-01')).toBe('2025-01');
  });

  it('handles 2027 starting on a Friday (1–2 January belong to 2026)', () => {
    expect(label('2027-01-02')).toBe('2026-52');
    expect(label('2027-01-03')).toBe('2027-01');
    expect(label('2026-12-31')).toBe('2026-52');
  });

  it('counts 53 weeks in 2020 and 2025, 52 in 2021, 2024 and 2026', () => {
    expect(weeksInEpiYear(2020)).toBe(53);
    expect(weeksInEpiYear(2025)).toBe(53);
    expect(weeksInEpiYear(2021)).toBe(52);
    expect(weeksInEpiYear(2024)).toBe(52);
    expect(weeksInEpiYear(2026)).toBe(52);
    expect(label('2020-12-31')).toBe('2020-53');
    expect(label('2021-01-02')).toBe('2020-53');
    expect(label('2021-01-03')).toBe('2021-01');
    expect(label('2019-12-29')).toBe('2020-01');
  });

  it('turns a week label into its Sunday–Saturday dates and refuses weeks that do not exist', () => {
    expect(epiWeekRange(2026, 5)).toEqual({ desde: '2026-02-01', hasta: '2026-02-07' });
    expect(parseEpiWeek('2025-53')).toEqual({ year: 2025, week: 53, desde: '2025-12-28', hasta: '2026-01-03' });
    expect(parseEpiWeek('2026-01')).toMatchObject({ desde: '2026-01-04', hasta: '2026-01-10' });
    expect(parseEpiWeek('2026-53')).toBeUndefined();
    expect(parseEpiWeek('2026-00')).toBeUndefined();
    expect(parseEpiWeek('2026-5')).toBeUndefined();
    expect(parseEpiWeek('26-05')).toBeUndefined();
  });

  it('round-trips every day of several years', () => {
    for (const year of [2019, 2020, 2025, 2026, 2027, 2028]) {
      for (let week = 1; week <= weeksInEpiYear(year); week += 1) {
        const range = epiWeekRange(year, week)!;
        expect(epiWeekOf(range.desde)).toEqual({ year, week });
        expect(epiWeekOf(range.hasta)).toEqual({ year, week });
        expect(new Date(`${range.desde}T00:00:00Z`).getUTCDay()).toBe(0);
      }
    }
  });
});
