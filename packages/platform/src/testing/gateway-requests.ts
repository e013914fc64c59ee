/** What a test sends the gateway: fastify's `inject` options, the part tests use. */
export interface GatewayRequest {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Path and query, e.g. `/v1/workspaces/…?limit=5`. */
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent as JSON. */
  readonly payload?: unknown;
}

export interface GatewayResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, number | string | string[] | undefined>>;
  readonly body: string;
  /** The body parsed as JSON, typed as the caller expects (as fastify's `inject` answers). */
  json<T = unknown>(): T;
}

/** The gateway as tests call it: its fastify app (`app.inject`) or a running gateway process (`gatewayOverHttp`). */
export interface Gateway {
  inject(request: GatewayRequest): PromiseLike<GatewayResponse>;
}

/**
 * A running gateway process (its `httpUrl`), called with the same `inject` a test would call
 * on its fastify app, so a test reads the same whichever it is given.
 */
export function gatewayOverHttp(baseUrl: string): Gateway {
  return {
    async inject(request) {
      const response = await fetch(new URL(request.url, baseUrl), {
        method: request.method,
        headers: {
          ...(request.payload === undefined ? {} : { 'content-type': 'application/json' }),
          ...request.headers,
        },
        ...(request.payload === undefined ? {} : { body: JSON.stringify(request.payload) }),
      });
      const body = await response.text();
      return {
        statusCode: response.status,
        headers: Object.fromEntries(response.headers),
        body,
        json: <T>() => JSON.parse(body) as T,
      };
    },
  };
}

/** Signs in through the gateway's exchange route (auth in development mode) and returns the access token. */
export async function signIn(gateway: Gateway, email: string): Promise<string> {
  const response = await gateway.inject({ method: 'POST', url: '/v1/auth/exchange', payload: { subject_token: `dev:${email}` } });
  if (response.statusCode !== 200) throw new Error(`exchange failed: ${response.statusCode} ${response.body}`);
  return (response.json() as { access_token: string }).access_token;
}

/** The `authorization` header of a bearer token. */
export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });
