-- Idempotency-Key claims (DESIGN §7). The gateway claims a key before calling a backend
-- (state in_flight, with a lease), and stores the answer afterwards (completed); a backend
-- mutation may complete the claim itself in the same transaction as its side effect, so a
-- gateway that dies between the two cannot cause a duplicate on retry.
--
-- key_id is SHA-256 over the principal, method, route and the client's key, so the table
-- never holds the key itself. The stored answer is sealed with a key derived from the
-- client's key: reading this table does not reveal answers (a created token's secret, say)
-- without presenting the key that made them.
CREATE TABLE public.idempotency_keys (
  workspace_id uuid NOT NULL REFERENCES public.workspaces (id),
  key_id bytea NOT NULL CHECK (octet_length(key_id) = 32),
  fingerprint bytea NOT NULL CHECK (octet_length(fingerprint) = 32),
  state text NOT NULL CHECK (state IN ('in_flight', 'completed')),
  -- While in flight: when another request may take the claim over (its holder is presumed dead).
  lease_expires_at timestamptz,
  response_status smallint CHECK (response_status BETWEEN 100 AND 599),
  -- `http`: the sealed JSON body the gateway sent; `message`: the sealed protobuf response
  -- a backend recorded, mapped to JSON again on replay.
  response_kind text CHECK (response_kind IN ('http', 'message')),
  response_sealed bytea,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (workspace_id, key_id),
  CHECK (state = 'in_flight' AND lease_expires_at IS NOT NULL
         OR state = 'completed' AND response_status IS NOT NULL AND response_kind IS NOT NULL
            AND response_sealed IS NOT NULL)
);

SELECT public.app_enable_tenant_rls('public.idempotency_keys');

-- The reaper deletes expired keys of every workspace through the definer function below.
-- FORCE RLS binds the owner it runs as, so the owner gets these two policies, limited to
-- expired rows: nothing live is visible to it, and causeloop_app gains nothing.
CREATE POLICY idempotency_keys_reaper_select ON public.idempotency_keys
  FOR SELECT TO causeloop_owner USING (expires_at < now());
CREATE POLICY idempotency_keys_reaper_delete ON public.idempotency_keys
  FOR DELETE TO causeloop_owner USING (expires_at < now());

-- Deletes up to `batch` expired keys across workspaces; returns how many. Replicas may run
-- it at once: a row another sweep is deleting is waited for, then skipped. (No FOR UPDATE
-- SKIP LOCKED: under RLS it would need an owner UPDATE policy too.) No index serves the
-- scan: the table holds one day of keys and the scan stops after `batch` hits.
CREATE FUNCTION public.idempotency_keys_reap(batch integer) RETURNS bigint
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = pg_catalog, public
AS $$
DECLARE
  removed bigint;
BEGIN
  IF batch IS NULL OR batch < 1 OR batch > 10000 THEN
    RAISE EXCEPTION 'idempotency_keys_reap needs a batch between 1 and 10000'
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  DELETE FROM public.idempotency_keys
   WHERE ctid = ANY (ARRAY(
     SELECT ctid FROM public.idempotency_keys
      WHERE expires_at < now()
      LIMIT batch));
  GET DIAGNOSTICS removed = ROW_COUNT;
  RETURN removed;
END
$$;

REVOKE EXECUTE ON FUNCTION public.idempotency_keys_reap(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.idempotency_keys_reap(integer) TO causeloop_app;
