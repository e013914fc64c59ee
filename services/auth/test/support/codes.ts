/** gRPC status numbers the tests compare against. */
export const Code = { UNAUTHENTICATED: 16, PERMISSION_DENIED: 7 } as const;
