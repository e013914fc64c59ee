// Which services exist and who calls their gRPC APIs. Only descriptors: @causeloop/client
// reads it, so nothing here may load more than protobuf-es and the generated code.
export {
  grpcAddressVariable,
  isFronted,
  publicApis,
  serviceCatalogue,
  type DeclaredApi,
  type DeclaredService,
  type Exposure,
  type GrpcServiceName,
  type PublicApis,
  type ServiceName,
  type ServiceWith,
} from './service-catalogue.js';
