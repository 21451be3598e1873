import { describe, expect, it } from 'vitest';
import { installArrayRowFastPath } from '../../src/db/pg-result.js';
import { createTestDatabase, testDbKind } from '../helpers/database.js';

/** src/db/pg-result.ts replaces node-postgres' set-up of array-mode results (what Drizzle reads). */
describe.runIf(testDbKind() === 'postgres')('array-mode rows', () => {
  it('are read with the same typed values as object rows, with the fast set-up in place', async () => {
    const { database, dispose } = await createTestDatabase();
    try {
      expect(installArrayRowFastPath()).toBe(true);
      const text = `SELECT 7::int AS a, '2024-02-29'::date AS b, '2024-01-01T10:00:00Z'::timestamptz AS c,
        '{"x":[1]}'::jsonb AS d, NULL::text AS e, count(*) AS f, true AS g FROM (VALUES (1), (2)) AS v(n)`;
      const asObjects = await database.pool!.query(text);
      const asArrays = await database.pool!.query({ text, rowMode: 'array' });
      expect(asArrays.rows[0]).toEqual([7, '2024-02-29', new Date('2024-01-01T10:00:00Z'), { x: [1] }, null, 2, true]);
      expect(asArrays.rows[0]).toEqual(Object.values(asObjects.rows[0] as object));
      expect(asArrays.fields.map((f) => f.name)).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    } finally {
      await dispose();
    }
  });
});
