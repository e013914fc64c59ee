-- What kind of actor made an audit entry (issue 6): a user, a service account, a platform
-- operator or the system itself (scheduled jobs). NULL on entries written before this
-- column existed; the platform's appendAuditEntry fills it from now on.
ALTER TABLE public.audit_log
  ADD COLUMN actor_kind text CHECK (actor_kind IN ('user', 'service_account', 'operator', 'system'));

-- The audit-log filters (actor, action prefix, target), each with the newest-first order
-- the listing pages through. text_pattern_ops lets `action LIKE 'member.%'` use the index.
CREATE INDEX audit_log_workspace_actor_idx
  ON public.audit_log (workspace_id, actor_id, created_at DESC, id DESC);
CREATE INDEX audit_log_workspace_action_idx
  ON public.audit_log (workspace_id, action text_pattern_ops, created_at DESC, id DESC);
CREATE INDEX audit_log_workspace_target_idx
  ON public.audit_log (workspace_id, target_type, target_id, created_at DESC, id DESC);
