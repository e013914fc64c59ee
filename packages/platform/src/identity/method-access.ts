import { getOption, hasOption, type DescMethod } from '@bufbuild/protobuf';
import { Access, access } from '@causeloop/proto/causeloop/common/v1/access_pb.js';
import { http } from '@causeloop/proto/causeloop/common/v1/http_pb.js';
import { isScope } from './scope-catalogue.js';

/**
 * Who may call an RPC, as its proto declares it (DESIGN §6, §7): a scope the caller's
 * principal must hold, public (the request carries its own credential), or internal
 * (service-to-service, never routed by the gateway).
 */
export type MethodAccess =
  | { readonly kind: 'scoped'; readonly scope: string }
  | { readonly kind: 'public' }
  | { readonly kind: 'internal' };

/**
 * The one reading of an RPC's access declaration, shared by the backend gate and the
 * gateway's route table so the two paths cannot drift. Deny by default: an RPC that names
 * no scope and carries no `causeloop.common.v1.access` mark, a mark that contradicts the
 * HTTP rule, or a scope outside the catalogue is an Error (a start-up failure).
 */
export function methodAccess(method: DescMethod): MethodAccess {
  const name = `${method.parent.typeName}.${method.name}`;
  const mark = hasOption(method, access) ? getOption(method, access) : Access.UNSPECIFIED;
  const rule = hasOption(method, http) ? getOption(method, http) : undefined;
  const scope = rule === undefined || rule.scope === '' ? undefined : rule.scope;
  switch (mark) {
    case Access.INTERNAL:
      if (rule !== undefined) throw new Error(`${name} is ACCESS_INTERNAL but has an HTTP rule: the gateway must never route it`);
      return { kind: 'internal' };
    case Access.PUBLIC:
      if (scope !== undefined) throw new Error(`${name} is ACCESS_PUBLIC but its HTTP rule names the scope ${scope}`);
      return { kind: 'public' };
    case Access.UNSPECIFIED:
      if (scope === undefined) throw new Error(`${name} names no scope and has no access mark (deny by default)`);
      if (!isScope(scope)) throw new Error(`${name}: scope "${scope}" is not in the scope catalogue`);
      return { kind: 'scoped', scope };
    default:
      throw new Error(`${name} has an unknown access mark ${String(mark)}`);
  }
}
