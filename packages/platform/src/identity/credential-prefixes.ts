/**
 * The prefixes that name a Causeloop credential's kind, as GitHub's token prefixes do: secret
 * scanners recognise a leaked token by them, and every service can tell what a caller
 * presents without verifying it. Auth makes and checks API tokens (services/auth/src/api-token.ts),
 * tenancy checks operator tokens.
 */
export type ApiTokenKind = 'personal_access' | 'service_account';

export const apiTokenPrefixes: Readonly<Record<ApiTokenKind, string>> = {
  personal_access: 'clp_pat_',
  service_account: 'clp_sa_',
};

/** Operator tokens (tenancy's ProvisioningService) are no workspace credential. */
export const operatorTokenPrefix = 'clp_op_';
