export { fieldRulesOf } from './field-rules.js';
export { fieldJsonSchema, isRequiredField, messageJsonSchema, type JsonSchema, type JsonSchemaOptions } from './message-json-schema.js';
export { createRequestValidator, type RequestValidator } from './request-validator.js';
export { createSchemaCompiler, type JsonValidator, type SchemaCompiler, type SchemaCompilerOptions } from './schema-compiler.js';
export { maxDepthKeyword } from './schema-formats.js';
