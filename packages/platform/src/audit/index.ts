export { appendAuditEntry, type AuditEntry } from './append-audit-entry.js';
