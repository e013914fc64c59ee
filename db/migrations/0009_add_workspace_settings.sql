-- Workspace profile, AI settings and retention live on the tenant root itself: one row
-- per workspace, read and written under its own GUC by the policies 0003 created.
ALTER TABLE public.workspaces
  ADD COLUMN organization_id uuid REFERENCES public.organizations (id),
  ADD COLUMN description text NOT NULL DEFAULT '' CHECK (char_length(description) <= 2000),
  -- IANA name; validated by the service (PostgreSQL's list and Node's can differ).
  ADD COLUMN timezone text NOT NULL DEFAULT 'UTC' CHECK (char_length(timezone) BETWEEN 1 AND 64),
  ADD COLUMN ai_auto_link boolean NOT NULL DEFAULT false,
  ADD COLUMN ai_confidence_threshold double precision NOT NULL DEFAULT 0.8
    CHECK (ai_confidence_threshold >= 0 AND ai_confidence_threshold <= 1),
  ADD COLUMN ai_proof_window_days integer NOT NULL DEFAULT 30 CHECK (ai_proof_window_days BETWEEN 7 AND 365),
  -- Days each kind of data is kept; 0 keeps it forever. The audit log keeps at least a
  -- year (the service answers retention_below_minimum; this CHECK is the backstop).
  ADD COLUMN retention_issues_days integer NOT NULL DEFAULT 0 CHECK (retention_issues_days BETWEEN 0 AND 36500),
  ADD COLUMN retention_activity_days integer NOT NULL DEFAULT 0 CHECK (retention_activity_days BETWEEN 0 AND 36500),
  ADD COLUMN retention_audit_days integer NOT NULL DEFAULT 365 CHECK (retention_audit_days BETWEEN 365 AND 36500),
  ADD COLUMN retention_prompt_logs_days integer NOT NULL DEFAULT 0 CHECK (retention_prompt_logs_days BETWEEN 0 AND 36500);
-- No index on organization_id: on the tenant root every index leads with id, and nothing
-- looks workspaces up by organization (organizations.first_workspace_id answers replays).
