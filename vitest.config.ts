import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// Tests run against TypeScript sources: the `@causeloop/source` export condition points
// workspace packages at src/ instead of their built dist/.
const conditions = ['@causeloop/source', ...defaultServerConditions];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    include: [
      'packages/*/test/**/*.test.ts',
      'services/*/test/**/*.test.ts',
      'scripts/test/**/*.test.ts',
      'charts/*/test/**/*.test.ts',
    ],
    globalSetup: ['packages/platform/test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
