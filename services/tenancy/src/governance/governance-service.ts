import { GovernanceService } from '@causeloop/proto/causeloop/tenancy/v1/governance_pb.js';
import { guardService } from '@causeloop/platform/identity';
import { PgErasureRequestStore } from './erasure-request-store.js';
import { PgExportJobStore } from './export-job-store.js';
import type { GovernanceDeps, GovernanceServiceImpl } from './governance-deps.js';
import {
  approveErasureRequest,
  createErasureRequest,
  getCertificateSigningKey,
  getErasureRequest,
  rejectErasureRequest,
} from './handlers/erasure-requests.js';
import { createExportJob, getExportJob, getExportJobPart } from './handlers/export-jobs.js';

export type { GovernanceDeps } from './governance-deps.js';

/**
 * `causeloop.tenancy.v1.GovernanceService`: each RPC's HTTP-rule scope (governance:read or
 * governance:write) is checked before its handler runs. Export jobs are worked by
 * `createExportWorker`, which main.ts starts beside this service.
 */
export function createGovernanceService(deps: GovernanceDeps): GovernanceServiceImpl {
  const full = { ...deps, exportJobs: new PgExportJobStore(), erasureRequests: new PgErasureRequestStore() };
  return guardService(
    GovernanceService,
    {
      scoped: {
        createExportJob: createExportJob(full),
        getExportJob: getExportJob(full),
        getExportJobPart: getExportJobPart(full),
        createErasureRequest: createErasureRequest(full),
        getErasureRequest: getErasureRequest(full),
        approveErasureRequest: approveErasureRequest(full),
        rejectErasureRequest: rejectErasureRequest(full),
        getCertificateSigningKey: getCertificateSigningKey(full),
      },
    },
    { principals: deps.principals, registry: deps.registry },
  );
}
