// Loaded with `node --import @causeloop/platform/tracing/register`, before any module
// that instrumentation must patch (pg, grpc-js, http): under ESM, registering later
// silently loses spans.
import { startTracing } from './start-tracing.js';

startTracing();
