export { appendAuditEntry, auditActor, type AuditActorKind, type AuditEntry } from './append-audit-entry.js';
