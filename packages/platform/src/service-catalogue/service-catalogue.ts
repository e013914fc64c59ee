import type { DescService } from '@bufbuild/protobuf';
import { AuthService } from '@causeloop/proto/causeloop/auth/v1/auth_pb.js';
import { CryptoService } from '@causeloop/proto/causeloop/crypto/v1/crypto_pb.js';
import { AnalysisService } from '@causeloop/proto/causeloop/insights/v1/analysis_pb.js';
import { IngestService } from '@causeloop/proto/causeloop/insights/v1/ingest_pb.js';
import { IssueService } from '@causeloop/proto/causeloop/insights/v1/issues_pb.js';
import { JobService } from '@causeloop/proto/causeloop/insights/v1/jobs_pb.js';
import { PatternService } from '@causeloop/proto/causeloop/insights/v1/patterns_pb.js';
import { PredictionService } from '@causeloop/proto/causeloop/insights/v1/predictions_pb.js';
import { RecommendationService } from '@causeloop/proto/causeloop/insights/v1/recommendations_pb.js';
import { AuditLogService } from '@causeloop/proto/causeloop/tenancy/v1/audit_pb.js';
import { GovernanceService } from '@causeloop/proto/causeloop/tenancy/v1/governance_pb.js';
import { MemberService } from '@causeloop/proto/causeloop/tenancy/v1/members_pb.js';
import { ProvisioningService } from '@causeloop/proto/causeloop/tenancy/v1/provisioning_pb.js';
import { WorkspaceService } from '@causeloop/proto/causeloop/tenancy/v1/workspaces_pb.js';

/**
 * Who calls a gRPC service (DESIGN §1, §6):
 * - `public`: workspace callers, through the gateway (its HTTP rules become routes) and
 *   straight from inside the cluster with a service-account token (`@causeloop/client`);
 * - `http`: workspace callers through the gateway only (auth's sign-in and token management
 *   are for people; workloads call tenancy and insights);
 * - `operator`: operators with an operator token, over gRPC only (tenancy's provisioning);
 * - `internal`: other Causeloop services only.
 */
export type Exposure = 'public' | 'http' | 'operator' | 'internal';

export type DeclaredApi =
  | {
      readonly service: DescService;
      readonly exposure: 'public';
      /** Its property on `@causeloop/client`: `client.members.listMembers(…)`. */
      readonly clientName: string;
    }
  | { readonly service: DescService; readonly exposure: Exclude<Exposure, 'public'> };

export interface DeclaredService {
  /** `services/<name>`: the process, its OTEL_SERVICE_NAME and its chart component. */
  readonly name: string;
  /** The gRPC services it serves, on one port; none for the gateway, which serves HTTP. */
  readonly apis: readonly DeclaredApi[];
}

/**
 * Every Causeloop service, callees before their callers. The gateway's routes, the
 * client's properties and the local runner's processes all derive from this list, so a new
 * service (insights) is one entry here, plus what only a deployment knows: its local ports
 * (scripts/src/local-services.ts), the gateway's `<NAME>_GRPC_ADDR` setting and the chart.
 */
export const serviceCatalogue = [
  { name: 'crypto', apis: [{ service: CryptoService, exposure: 'internal' }] },
  { name: 'auth', apis: [{ service: AuthService, exposure: 'http' }] },
  {
    name: 'tenancy',
    apis: [
      { service: WorkspaceService, exposure: 'public', clientName: 'workspaces' },
      { service: MemberService, exposure: 'public', clientName: 'members' },
      { service: AuditLogService, exposure: 'public', clientName: 'auditLog' },
      { service: GovernanceService, exposure: 'public', clientName: 'governance' },
      { service: ProvisioningService, exposure: 'operator' },
    ],
  },
  {
    name: 'insights',
    apis: [
      { service: IngestService, exposure: 'public', clientName: 'ingest' },
      { service: IssueService, exposure: 'public', clientName: 'issues' },
      { service: PatternService, exposure: 'public', clientName: 'patterns' },
      { service: PredictionService, exposure: 'public', clientName: 'predictions' },
      { service: JobService, exposure: 'public', clientName: 'jobs' },
      { service: AnalysisService, exposure: 'public', clientName: 'analysis' },
      { service: RecommendationService, exposure: 'public', clientName: 'recommendations' },
    ],
  },
  { name: 'api-gateway', apis: [] },
] as const satisfies readonly DeclaredService[];

type Entry = (typeof serviceCatalogue)[number];

export type ServiceName = Entry['name'];

// Distributes over the entries (E is a naked type parameter), keeping the names of those
// with an API of exposure X.
type NameIfExposing<E extends Entry, X extends Exposure> = E extends Entry
  ? [Extract<E['apis'][number], { exposure: X }>] extends [never]
    ? never
    : E['name']
  : never;

/** The declared services with at least one API of the given exposure. */
export type ServiceWith<X extends Exposure> = NameIfExposing<Entry, X>;

/** The declared services that serve gRPC (all but the gateway). */
export type GrpcServiceName = ServiceWith<Exposure>;

/** The public APIs of one service, by their property name on `@causeloop/client`. */
export type PublicApis<N extends ServiceName> = {
  [A in Extract<Extract<Entry, { name: N }>['apis'][number], { exposure: 'public' }> as A['clientName']]: A['service'];
};

/** The APIs the gateway fronts over HTTP: `public` and `http` ones. */
export function isFronted(api: DeclaredApi): boolean {
  return api.exposure === 'public' || api.exposure === 'http';
}

/** `<NAME>_GRPC_ADDR`, the variable a caller reads a service's gRPC address from (DESIGN §9). */
export function grpcAddressVariable(name: GrpcServiceName): string {
  return `${name.toUpperCase().replaceAll('-', '_')}_GRPC_ADDR`;
}

export function publicApis<N extends ServiceName>(name: N): PublicApis<N> {
  const declared: DeclaredService | undefined = serviceCatalogue.find((candidate) => candidate.name === name);
  const apis: Record<string, DescService> = {};
  for (const api of declared?.apis ?? []) if (api.exposure === 'public') apis[api.clientName] = api.service;
  return apis as PublicApis<N>;
}
