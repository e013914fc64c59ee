import type { DescMessage, FileRegistry } from '@bufbuild/protobuf';
import { compileProtos } from '../../src/testing/compile-protos.js';

/** One message per kind of rule, compiled from text the way the real protos are. */
export const rulesProto = `
syntax = "proto3";
package demo.v1;
import "causeloop/common/v1/validation.proto";
import "google/protobuf/struct.proto";

enum Colour {
  COLOUR_UNSPECIFIED = 0;
  COLOUR_RED = 1;
  COLOUR_GREEN = 2;
  COLOUR_BLUE = 3;
}

message Item {
  string name = 1 [(causeloop.common.v1.field) = {required: true, string: {max_len: 5}}];
}

message Everything {
  string display_name = 1 [(causeloop.common.v1.field) = {required: true, string: {min_len: 2, max_len: 10}}];
  string id = 2 [(causeloop.common.v1.field).string.format = STRING_FORMAT_UUID];
  string email = 3 [(causeloop.common.v1.field).string.format = STRING_FORMAT_EMAIL];
  string homepage = 4 [(causeloop.common.v1.field).string.format = STRING_FORMAT_URI];
  string since = 5 [(causeloop.common.v1.field).string.format = STRING_FORMAT_DATE_TIME];
  string code = 6 [(causeloop.common.v1.field).string.pattern = "^[A-Z]{3}$"];
  uint32 count = 7 [(causeloop.common.v1.field) = {required: true, number: {gte: 1, lte: 100}}];
  double ratio = 8 [(causeloop.common.v1.field).number = {gt: 0, lt: 1}];
  repeated string tags = 9 [(causeloop.common.v1.field) = {repeated: {max_items: 3, unique: true}, string: {max_len: 4}}];
  repeated Item items = 10 [(causeloop.common.v1.field).repeated.min_items = 1];
  Colour colour = 11 [(causeloop.common.v1.field) = {required: true, enum: {not_in: [3]}}];
  map<string, string> labels = 12 [(causeloop.common.v1.field).map.max_pairs = 2];
  google.protobuf.Struct attributes = 13 [(causeloop.common.v1.field).map = {max_pairs: 3, max_depth: 2}];
  optional string nickname = 14 [(causeloop.common.v1.field) = {required: true}];
  bool agreed = 15 [(causeloop.common.v1.field).required = true];
  int32 offset = 16 [(causeloop.common.v1.field).required = true];
  string free = 17;
}
`;

let compiled: Promise<FileRegistry> | undefined;

/** The compiled fixture message `demo.v1.<name>` (compiled once per test file). */
export async function fixtureMessage(name: string): Promise<DescMessage> {
  compiled ??= compileProtos({ 'demo/v1/rules.proto': rulesProto });
  const message = (await compiled).getMessage(`demo.v1.${name}`);
  if (message === undefined) throw new Error(`no message demo.v1.${name}`);
  return message;
}
