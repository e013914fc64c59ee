import { fromBinary, toBinary, type DescMethod, type DescService, type Message } from '@bufbuild/protobuf';
import type { MethodDefinition, ServiceDefinition } from '@grpc/grpc-js';

/** A grpc-js method definition whose messages are protobuf-es v2 messages. */
export type ProtoMethodDefinition = MethodDefinition<Message, Message>;

/**
 * Builds the grpc-js service definition of a protobuf-es service descriptor (protobuf-es
 * generates none): one entry per method, keyed by its `localName` (as `ServiceImpl` is),
 * path `/<typeName>/<Method>`, (de)serialized with protobuf-es. Only unary methods are
 * supported; a service with streaming methods is refused here, at registration, rather
 * than failing on its first call.
 */
export function createServiceDefinition(service: DescService): ServiceDefinition {
  const definition: Record<string, ProtoMethodDefinition> = {};
  for (const method of service.methods) {
    assertUnary(method);
    definition[method.localName] = createMethodDefinition(method);
  }
  return definition;
}

export function createMethodDefinition(method: DescMethod): ProtoMethodDefinition {
  return {
    path: `/${method.parent.typeName}/${method.name}`,
    originalName: method.name,
    requestStream: false,
    responseStream: false,
    requestSerialize: (value) => asBuffer(toBinary(method.input, value)),
    requestDeserialize: (bytes) => fromBinary(method.input, bytes),
    responseSerialize: (value) => asBuffer(toBinary(method.output, value)),
    responseDeserialize: (bytes) => fromBinary(method.output, bytes),
  };
}

function assertUnary(method: DescMethod): void {
  if (method.methodKind !== 'unary') {
    throw new Error(
      `${method.parent.typeName}.${method.name} is a ${method.methodKind} method; only unary methods are supported`,
    );
  }
}

// grpc-js wants a Buffer; wrapping the encoded bytes avoids copying them.
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
