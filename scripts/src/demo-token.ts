import { setTimeout as sleep } from 'node:timers/promises';
import { AuthService } from '@causeloop/proto/causeloop/auth/v1/auth_pb.js';
import { createGrpcClient } from '@causeloop/platform';
import { demoOwner, demoWorkspace } from './demo-data.js';

/**
 * Signs the demo owner in through auth's development mode (`dev:<email>`) once auth is
 * ready, for the runner to print: the quickest way to a working token on a fresh install.
 */
export async function demoAccessToken(auth: { grpcAddress: string; opsUrl: string }, timeoutMs = 30_000): Promise<{
  accessToken: string;
  expiresIn: number;
}> {
  const deadline = Date.now() + timeoutMs;
  while ((await fetch(`${auth.opsUrl}/ready`).catch(() => undefined))?.status !== 200) {
    if (Date.now() > deadline) throw new Error(`auth was not ready within ${timeoutMs / 1000} s`);
    await sleep(200);
  }
  const client = createGrpcClient(AuthService, { address: auth.grpcAddress, defaultDeadlineMs: 5_000 });
  try {
    const tokens = await client.exchangeToken({ subjectToken: `dev:${demoOwner.email}`, workspaceId: demoWorkspace.id });
    return { accessToken: tokens.accessToken, expiresIn: tokens.expiresIn };
  } finally {
    client.close();
  }
}
