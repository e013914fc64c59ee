import { publicApis } from '@causeloop/platform/service-catalogue';

/**
 * The services a client exposes, by property name (`client.members.listMembers(…)`,
 * `client.ingest.ingestBatch(…)`), grouped by the Causeloop service that serves them: the
 * `public` APIs of tenancy and insights in the platform's service catalogue. Everything else
 * (typed methods, retries of reads) follows from the descriptors. Provisioning is declared
 * `operator` there, so it is left out: it is for operators, with an operator token, not for
 * workloads. Each group is called at its own address (`address`, `insightsAddress`).
 */
export const clientServiceGroups = {
  tenancy: publicApis('tenancy'),
  insights: publicApis('insights'),
} as const;

export const clientServices = { ...clientServiceGroups.tenancy, ...clientServiceGroups.insights };

export type ClientServices = typeof clientServices;
