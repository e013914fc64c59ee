import { setTimeout as sleep } from 'node:timers/promises';
import { AuthService } from '@causeloop/proto/causeloop/auth/v1/auth_pb.js';
import { createGrpcClient } from '@causeloop/platform/grpc';
import { demoOwner, demoWorkspace } from './demo-data.js';

/** Resolves once the service's `/ready` answers 200; rejects after `timeoutMs`. */
export async function waitUntilReady(name: string, opsUrl: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await fetch(`${opsUrl}/ready`).catch(() => undefined))?.status !== 200) {
    if (Date.now() > deadline) throw new Error(`${name} was not ready within ${timeoutMs / 1000} s`);
    await sleep(200);
  }
}

/**
 * Signs the demo owner in through auth's development mode (`dev:<email>`), for the
 * runner to print: the quickest way to a working token on a fresh install.
 */
export async function demoAccessToken(authAddress: string): Promise<{ accessToken: string; expiresIn: number }> {
  const client = createGrpcClient(AuthService, { address: authAddress, defaultDeadlineMs: 5_000 });
  try {
    const tokens = await client.exchangeToken({ subjectToken: `dev:${demoOwner.email}`, workspaceId: demoWorkspace.id });
    return { accessToken: tokens.accessToken, expiresIn: tokens.expiresIn };
  } finally {
    client.close();
  }
}
