import { publicApis } from '@causeloop/platform/service-catalogue';

/**
 * The services a client exposes, by property name: `client.members.listMembers(…)`: the
 * `public` APIs of tenancy in the platform's service catalogue. Everything else (typed
 * methods, retries of reads) follows from the descriptors. Provisioning is declared
 * `operator` there, so it is left out: it is for operators, with an operator token, not for
 * workloads. A client talks to one address, tenancy's; exposing insights will take its own.
 */
export const clientServices = publicApis('tenancy');

export type ClientServices = typeof clientServices;
