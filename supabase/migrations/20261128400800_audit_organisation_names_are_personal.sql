-- GDPR erasure and the audit log: a personal organisation is named after its person (sign-up's
-- full_name), so the organisations audit keeps `name` in its erasable personal part, subject
-- `created_by`. Erasing the person then leaves no readable name in the audit log while the hash
-- chain still verifies (found by tests/e2e/ops.test.ts, erasure).

-- ============================================================================
-- triggers
-- ============================================================================
do $$
begin
  if to_regprocedure('private.enable_audit(regclass, name, text[], name)') is not null then
    perform private.enable_audit('public.organisations', 'id', '{name}', 'created_by');
  end if;
end;
$$;
