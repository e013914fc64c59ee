import type { Principal } from '@causeloop/proto/causeloop/common/v1/principal_pb.js';
import 'fastify';

// Per-request values live on the request object, decorated with a primitive at boot and
// assigned per request (a shared reference-type decorator would leak across requests:
// fastify #5462).
declare module 'fastify' {
  interface FastifyRequest {
    /**
     * W3C trace id of this request, computed on first read (plugins/trace-context.ts): the
     * edge span's when tracing exports, else the caller's `traceparent`, else a fresh one.
     */
    readonly traceId: string;
    /** The caller of a scoped route, once authenticated (`onRequest`); null on public routes. */
    principal: Principal | null;
    /** The signed principal assertion forwarded with that caller's backend call. */
    principalAssertion: string | null;
  }
}
