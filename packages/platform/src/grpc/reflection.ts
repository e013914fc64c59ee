import { toBinary, type DescFile } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema } from '@bufbuild/protobuf/wkt';
import { ReflectionService } from '@grpc/reflection';

type ReflectionPackageDefinition = ConstructorParameters<typeof ReflectionService>[0];

/**
 * Server reflection for protobuf-es services. `ReflectionService` expects a proto-loader
 * package definition, but reads nothing from it except each entry's `fileDescriptorProtos`;
 * so one entry per file, holding that file's serialized FileDescriptorProto, is enough.
 * Dependencies are included, or `file_containing_symbol` answers would not resolve.
 */
export function createReflectionService(files: Iterable<DescFile>): ReflectionService {
  const definition: Record<string, { fileDescriptorProtos: Buffer[] }> = {};
  for (const file of withDependencies(files)) {
    definition[file.name] = { fileDescriptorProtos: [Buffer.from(toBinary(FileDescriptorProtoSchema, file.proto))] };
  }
  // The cast stands for the proto-loader fields (`format`, `type`) the reflection code never reads.
  return new ReflectionService(definition as unknown as ReflectionPackageDefinition);
}

function withDependencies(files: Iterable<DescFile>): Set<DescFile> {
  const seen = new Set<DescFile>();
  const visit = (file: DescFile): void => {
    if (seen.has(file)) return;
    seen.add(file);
    file.dependencies.forEach(visit);
  };
  for (const file of files) visit(file);
  return seen;
}
