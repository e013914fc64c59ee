export { appendAuditEntry, type AuditEntry } from './append-audit-entry.js';
export { auditActor, parseAuditActor, type AuditActor, type AuditActorKind, type AuditedCall, type NamedActor } from './audit-actor.js';
