import { getOption, hasOption, type DescField, type DescMethod, type DescService } from '@bufbuild/protobuf';
import { methodAccess } from '@causeloop/platform/identity';
import { http } from '@causeloop/proto/causeloop/common/v1/http_pb.js';
import type { FrontedService } from '../fronted-service.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
const httpMethods: readonly string[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** One routed RPC, validated: everything the router and the OpenAPI builder need. */
export interface RoutedRpc {
  readonly fronted: FrontedService;
  readonly service: DescService;
  readonly method: DescMethod;
  readonly httpMethod: HttpMethod;
  /** The template as written in the proto, e.g. `/v1/api-tokens/{token_id}`. */
  readonly pathTemplate: string;
  /** The same path in fastify's syntax, e.g. `/v1/api-tokens/:token_id`. */
  readonly fastifyPath: string;
  /** Request fields bound by the path, in order. */
  readonly pathFields: readonly DescField[];
  /** `'*'` (whole request), a top-level field, or undefined (no body: query string). */
  readonly body: '*' | DescField | undefined;
  /** Required scope, from `methodAccess` (the backend gate's reading); undefined means ACCESS_PUBLIC. */
  readonly scope: string | undefined;
  /** Status of a successful answer: the rule's `success_status`, 200 when unset. */
  readonly successStatus: SuccessStatus;
}

export type SuccessStatus = 200 | 201 | 202;
const successStatuses: readonly number[] = [200, 201, 202];

const segmentVariable = /^\{([a-z][a-z0-9_]*)\}$/;

/**
 * Reads the `causeloop.common.v1.http` rule of every RPC of the fronted services and
 * validates it. Anything wrong is a start-up failure, not a runtime 500: a route that
 * silently lost its scope or collided with another would be worse than no gateway.
 * The scope comes from `methodAccess`, the same reading the backends' gate enforces, so
 * a rule on an ACCESS_INTERNAL RPC, or a rule with neither a scope nor ACCESS_PUBLIC, is
 * refused here too. Every problem is reported in one error.
 */
export function collectRoutedRpcs(fronted: readonly FrontedService[]): RoutedRpc[] {
  const routes: RoutedRpc[] = [];
  const problems: string[] = [];
  const seen = new Map<string, string>();
  for (const entry of fronted) {
    for (const method of entry.service.methods) {
      if (!hasOption(method, http)) continue; // deny by default: no rule, no route
      const name = `${entry.service.typeName}.${method.name}`;
      const rule = getOption(method, http);
      const fail = (why: string): void => void problems.push(`${name}: ${why}`);
      if (method.methodKind !== 'unary') {
        fail('only unary RPCs can be routed');
        continue;
      }
      const httpMethod = rule.method.toUpperCase();
      if (!httpMethods.includes(httpMethod)) fail(`unsupported HTTP method "${rule.method}"`);
      if (!rule.path.startsWith('/')) fail(`path "${rule.path}" must start with /`);
      let scope: string | undefined;
      try {
        const access = methodAccess(method);
        scope = access.kind === 'scoped' ? access.scope : undefined;
      } catch (error) {
        problems.push((error as Error).message);
        continue;
      }

      const pathFields: DescField[] = [];
      const segments = rule.path.split('/').map((segment) => {
        if (!segment.includes('{') && !segment.includes('}')) return segment;
        const variable = segmentVariable.exec(segment)?.[1];
        const field = variable === undefined ? undefined : method.input.fields.find((f) => f.name === variable);
        if (field === undefined || field.fieldKind !== 'scalar') {
          fail(`path segment "${segment}" must be {field} naming a scalar field of ${method.input.typeName}`);
          return segment;
        }
        pathFields.push(field);
        return `:${field.name}`;
      });

      let body: RoutedRpc['body'];
      if (rule.body === '*') body = '*';
      else if (rule.body !== '') {
        body = method.input.fields.find((f) => f.name === rule.body);
        if (body === undefined) fail(`body "${rule.body}" is not a field of ${method.input.typeName}`);
      }
      if (body !== undefined && (httpMethod === 'GET' || httpMethod === 'DELETE')) fail(`${httpMethod} cannot take a body`);

      // Two templates that differ only in variable names match the same requests.
      const shape = `${httpMethod} ${segments.map((s) => (s.startsWith(':') ? ':' : s)).join('/')}`;
      const other = seen.get(shape);
      if (other !== undefined) fail(`${httpMethod} ${rule.path} collides with ${other}`);
      seen.set(shape, name);
      const successStatus = rule.successStatus === 0 ? 200 : rule.successStatus;
      if (!successStatuses.includes(successStatus)) fail(`success_status ${successStatus} is not one of ${successStatuses.join(', ')}`);

      routes.push({
        fronted: entry,
        service: entry.service,
        method,
        httpMethod: httpMethod as HttpMethod,
        pathTemplate: rule.path,
        fastifyPath: segments.join('/'),
        pathFields,
        body,
        scope,
        successStatus: successStatus as SuccessStatus,
      });
    }
  }
  if (problems.length > 0) throw new Error(`invalid HTTP rules:\n- ${problems.join('\n- ')}`);
  return routes;
}
