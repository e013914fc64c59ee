import { createRequire } from 'node:module';
import path from 'node:path';
import { fromBinary } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema } from '@bufbuild/protobuf/wkt';
import { credentials, loadPackageDefinition, type ClientDuplexStream, type GrpcObject, type ServiceClientConstructor } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEcho, type EchoHarness } from './echo-fixture.js';

// The reflection proto that ships inside @grpc/reflection, loaded the way a tool would.
const reflectionDir = path.resolve(path.dirname(createRequire(import.meta.url).resolve('@grpc/reflection')), '../proto');
const reflectionPackage = loadPackageDefinition(
  loadSync('grpc/reflection/v1/reflection.proto', { includeDirs: [reflectionDir], keepCase: true, oneofs: true }),
);
const ServerReflection = (((reflectionPackage['grpc'] as GrpcObject)['reflection'] as GrpcObject)['v1'] as GrpcObject)[
  'ServerReflection'
] as ServiceClientConstructor;

interface ReflectionResponse {
  list_services_response?: { service: { name: string }[] };
  file_descriptor_response?: { file_descriptor_proto: Buffer[] };
  error_response?: { error_code: number; error_message: string };
}

describe('server reflection', () => {
  let echo: EchoHarness;
  let client: InstanceType<ServiceClientConstructor>;

  beforeAll(async () => {
    echo = await startEcho();
    client = new ServerReflection(`127.0.0.1:${echo.port}`, credentials.createInsecure());
  });
  afterAll(async () => {
    client.close();
    await echo.close();
  });

  const ask = (request: Record<string, string>): Promise<ReflectionResponse> =>
    new Promise((resolve, reject) => {
      const stream = client['ServerReflectionInfo']!() as ClientDuplexStream<unknown, ReflectionResponse>;
      stream.once('data', (response: ReflectionResponse) => {
        resolve(response);
        stream.end();
      });
      stream.once('error', reject);
      stream.write(request);
    });

  it('lists the added services', async () => {
    const response = await ask({ list_services: '' });
    const names = response.list_services_response?.service.map((service) => service.name);
    expect(names).toContain('causeloop.testing.v1.EchoService');
  });

  it('returns the file that declares a symbol', async () => {
    const response = await ask({ file_containing_symbol: 'causeloop.testing.v1.EchoService' });
    const files = (response.file_descriptor_response?.file_descriptor_proto ?? []).map((bytes) =>
      fromBinary(FileDescriptorProtoSchema, bytes),
    );
    const echoFile = files.find((file) => file.name === 'causeloop/testing/v1/echo.proto');
    expect(echoFile?.service.map((service) => service.name)).toEqual(['EchoService']);
    expect(echoFile?.messageType.map((message) => message.name)).toEqual(['EchoRequest', 'EchoResponse']);
  });
});
