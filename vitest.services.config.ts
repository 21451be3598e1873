import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

/**
 * Suites that need a real external server (Orthanc for the PACS dicomweb adapter), run by
 * `npm run test:orthanc` with ORTHANC_URL set (see .ci/run); same database setup as the rest.
 */
export default defineConfig({
  test: {
    ...base.test,
    include: ['test/services/**/*.test.ts'],
    exclude: ['**/node_modules/**'],
  },
});
