import type { AuthService } from '@causeloop/proto/causeloop/auth/v1/auth_pb.js';
import type { GrpcClient } from '../grpc-client/create-base-grpc-client.js';
import { createCachedAuthenticator, type Authenticator, type CachedAuthenticatorOptions } from './create-cached-authenticator.js';

/**
 * Bearer tokens resolved by auth's `Authenticate` behind the one cache (DESIGN §6): what the
 * gateway and every backend accepting direct gRPC callers use, so both paths share the
 * same cache rules.
 */
export function createAuthServiceAuthenticator(
  auth: Pick<GrpcClient<typeof AuthService>, 'authenticate'>,
  options: Omit<CachedAuthenticatorOptions, 'authenticate'> = {},
): Authenticator {
  return createCachedAuthenticator({
    ...options,
    authenticate: async (token) => {
      const { principal, assertion } = await auth.authenticate({ token });
      if (principal === undefined) throw new Error('Authenticate answered without a principal');
      return { principal, assertion };
    },
  });
}
