import { getOption, hasOption, type DescField } from '@bufbuild/protobuf';
import { field as fieldRulesOption, type FieldRules } from '@causeloop/proto/causeloop/common/v1/validation_pb.js';

/** The `causeloop.common.v1.field` rules declared on a field, if any. */
export function fieldRulesOf(field: DescField): FieldRules | undefined {
  return hasOption(field, fieldRulesOption) ? getOption(field, fieldRulesOption) : undefined;
}
