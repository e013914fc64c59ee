import { AuthService } from '@causeloop/proto/causeloop/auth/v1/auth_pb.js';
import { createMetricsRegistry } from '@causeloop/platform/metrics';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import type { OpenApiDocument } from '../src/openapi/build-openapi.js';
import { createMemoryRateLimiter } from '../src/rate-limit/index.js';
import { findChromium, headlessChromiumArgs, skipWithoutChromium } from './support/chromium.js';

// What the function run in the page reads (the project compiles without the DOM library).
declare const document: { readonly body: { readonly innerText: string } };

const skip = skipWithoutChromium('services/api-gateway/test/docs-page.test.ts');

// The page needs only the descriptors: nothing behind the gateway is called.
const unreachable = () => Promise.reject(new Error('not called'));

describe.skipIf(skip)('the /docs page in a browser', () => {
  let app: FastifyInstance;
  let browser: Browser;
  let origin: string;

  beforeAll(async () => {
    app = await buildApp({
      services: [{ service: AuthService, call: unreachable }],
      authenticator: { authenticate: unreachable },
      registry: createMetricsRegistry({ service: 'api-gateway-test' }),
      rateLimit: { limiter: createMemoryRateLimiter() },
    });
    origin = await app.listen({ host: '127.0.0.1', port: 0 });
    browser = await chromium.launch({ executablePath: findChromium() ?? 'chromium', args: headlessChromiumArgs });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('lists every operation of /openapi.json, with nothing fetched from outside the gateway and no CSP violation', async () => {
    const openApi = (await (await fetch(`${origin}/openapi.json`)).json()) as OpenApiDocument;
    const summaries = Object.values(openApi.paths).flatMap((operations) => Object.values(operations).map((o) => o.summary));
    expect(summaries.length).toBeGreaterThan(5);

    const context = await browser.newContext();
    const page = await context.newPage();
    const requested: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    // A script error or a CSP violation fails the test at once, naming it.
    const problem = new Promise<never>((_resolve, reject) => {
      page.on('pageerror', (error) => reject(new Error(`page error: ${error.message}`)));
      page.on('console', (message) => {
        if (message.text().includes('Content Security Policy')) reject(new Error(message.text()));
      });
    });
    // It is awaited only in the race below and may reject before that starts, or after it is lost.
    problem.catch(() => undefined);

    const response = await page.goto(`${origin}/docs`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    // The renderer has drawn the operations from the document: every summary is on the page.
    const listed = page.waitForFunction(
      (expected) => expected.every((summary) => document.body.innerText.includes(summary)),
      summaries,
      { timeout: 45_000 },
    );
    listed.catch(() => undefined); // when a problem wins the race, this one rejects as the page closes
    await Promise.race([listed, problem]);
    await context.close();

    expect(requested.length).toBeGreaterThan(2); // the page, its script, the document
    for (const url of requested) expect(new URL(url).origin, url).toBe(origin);
  }, 60_000);
});
