// Golden renders (as the OpenTelemetry demo's chart keeps them): the exact manifests the
// default and production values produce are committed beside this test, so every chart
// change shows up as a reviewable diff of what a cluster would receive. After an
// intended change: `npx vitest run charts -u`, then review and commit the renders.
import { describe, expect, it } from 'vitest';
import { renderChartText, reportMissingHelm } from './helm.js';

const renders = {
  default: [],
  production: ['charts/causeloop/ci/production-values.yaml'],
} as const;
const tests = Object.keys(renders).map((name) => `renders the ${name} values exactly as committed`);
const skip = reportMissingHelm('charts/causeloop golden renders', tests);

describe.skipIf(skip)('charts/causeloop golden renders', () => {
  for (const [name, valuesFiles] of Object.entries(renders)) {
    it(`renders the ${name} values exactly as committed`, async () => {
      await expect(renderChartText({ valuesFiles })).toMatchFileSnapshot(`renders/${name}.yaml`);
    });
  }
});
