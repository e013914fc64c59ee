import type { DescMessage, DescService, MessageInitShape, MessageShape } from '@bufbuild/protobuf';
import type { CallContext } from './call-context.js';

/**
 * One unary RPC: takes the decoded request, returns the response as an init object (or a
 * message); the adapter creates and encodes it. Throw a CauseloopError to fail the call.
 */
export type UnaryHandler<I extends DescMessage, O extends DescMessage> = (
  request: MessageShape<I>,
  context: CallContext,
) => Promise<MessageInitShape<O>>;

/**
 * A service's handlers, typed from its generated descriptor (connect-es `ServiceImpl`
 * style), keyed by each method's `localName`, e.g. `{ echo: async (req, ctx) => ({...}) }`.
 * Streaming methods map to `never`: the platform serves unary methods only.
 */
export type ServiceImpl<S extends DescService> = {
  [K in keyof S['method']]: S['method'][K] extends {
    methodKind: 'unary';
    input: infer I extends DescMessage;
    output: infer O extends DescMessage;
  }
    ? UnaryHandler<I, O>
    : never;
};
