-- Receipt corrections (issue 11): a person fixes what OCR read and confirms the receipt. Called by
-- the receipts function (POST /receipts/<id>/corrections) as the signed-in user; every change is
-- stored per field with who, when, old and new value, audited, and a corrected vendor enters the
-- vendor directory with full confidence.

-- ============================================================================
-- tables
-- ============================================================================
create table public.receipt_corrections (
  id bigint generated always as identity primary key,
  receipt_id uuid not null references public.receipts (id) on delete cascade,
  organisation_id uuid not null references public.organisations (id) on delete cascade,
  field text not null,
  -- the column's own text form (exact decimals, ISO dates); null: the field was empty
  old_value text,
  new_value text,
  corrected_by uuid references auth.users (id) on delete set null,
  corrected_at timestamptz not null default clock_timestamp(),
  constraint field_is_correctable check (field in (
    'vendor', 'vendor_address', 'vendor_tax_id', 'receipt_date', 'receipt_time', 'currency',
    'subtotal', 'tax', 'total', 'payment_method'
  )),
  constraint value_changed check (old_value is distinct from new_value)
);

comment on table public.receipt_corrections is
  'What people changed on receipts: one row per corrected field with old and new value, who '
  '(null once that user is deleted) and when. Append-only; written by public.correct_receipt.';

-- A person's review outcome is an event of its own.
alter table public.receipt_events drop constraint event_type_is_known;
alter table public.receipt_events add constraint event_type_is_known check (event_type in (
  'uploaded', 'processing', 'ocr_done', 'needs_review', 'retry_scheduled', 'async_job_started',
  'dead_lettered', 'replayed', 'rederived', 'recovered',
  'vendor_canonicalised', -- written by the vendor directory (…0340_vendor_directory.sql)
  'corrected' -- written by public.correct_receipt (this file)
));

-- ============================================================================
-- indexes
-- ============================================================================
create index receipt_corrections_receipt_id_idx on public.receipt_corrections (receipt_id, id);
create index receipt_corrections_organisation_id_idx on public.receipt_corrections (organisation_id);
create index receipt_corrections_corrected_by_idx on public.receipt_corrections (corrected_by);

-- ============================================================================
-- triggers
-- ============================================================================
-- Direct changes are refused; cascades (a receipt's or user's deletion, erasure) run below
-- trigger depth 0 and pass.
create trigger tallyq_receipt_corrections_are_append_only
  before update or delete on public.receipt_corrections
  for each row
  when (pg_trigger_depth() = 0)
  execute function private.rows_are_append_only();
create trigger tallyq_receipt_corrections_are_never_truncated
  before truncate on public.receipt_corrections
  for each statement execute function private.rows_are_append_only();

select private.enable_audit('public.receipt_corrections', 'organisation_id', '{}', 'corrected_by');

-- ============================================================================
-- RLS
-- ============================================================================
alter table public.receipt_corrections enable row level security;

create policy "Members can read their organisation's receipt corrections"
  on public.receipt_corrections for select to authenticated
  using (organisation_id = any (array(select private.user_org_ids())));

create policy "Service role reads every receipt correction"
  on public.receipt_corrections for select to service_role
  using (true);

-- No insert/update/delete policies and no write grants, for the service role too: corrections
-- are written only by public.correct_receipt, which re-checks the caller.

-- ============================================================================
-- functions
-- ============================================================================
create function private._correction_value(p_field text, p_value jsonb)
returns text
language plpgsql
immutable
set search_path = ''
as $$
declare
  v_text text;
begin
  if p_value is null or jsonb_typeof(p_value) = 'null' then
    return null;
  end if;
  if jsonb_typeof(p_value) not in ('string', 'number') then
    raise exception '%: must be a string, a number or null', p_field
      using errcode = '22023', column = p_field;
  end if;
  v_text := btrim(p_value #>> '{}');
  if v_text = '' then
    return null;
  end if;
  begin
    case p_field
      when 'vendor' then
        if length(v_text) > 200 then raise exception 'too long'; end if;
      when 'vendor_address' then
        if length(v_text) > 500 then raise exception 'too long'; end if;
      when 'payment_method' then
        if length(v_text) > 100 then raise exception 'too long'; end if;
      when 'vendor_tax_id' then
        v_text := upper(regexp_replace(v_text, '[\s.-]', '', 'g'));
        if v_text !~ '^[0-9A-Z]{6,24}$' then raise exception 'bad'; end if;
      when 'currency' then
        v_text := upper(v_text);
        if v_text !~ '^[A-Z]{3}$' then raise exception 'bad'; end if;
      when 'receipt_date' then
        if v_text !~ '^\d{4}-\d{2}-\d{2}$' then raise exception 'bad'; end if;
        v_text := to_jsonb(v_text::date) #>> '{}';
      when 'receipt_time' then
        if v_text !~ '^\d{2}:\d{2}(:\d{2})?$' then raise exception 'bad'; end if;
        v_text := to_jsonb(v_text::time) #>> '{}';
      when 'subtotal', 'tax', 'total' then
        if v_text !~ '^\d{1,15}(\.\d{1,4})?$' then raise exception 'bad'; end if;
        v_text := v_text::numeric(19, 4)::text;
      else
        raise exception 'unknown';
    end case;
  exception when others then
    raise exception '%', case
        when p_field = 'vendor' then 'vendor: at most 200 characters'
        when p_field = 'vendor_address' then 'vendor_address: at most 500 characters'
        when p_field = 'payment_method' then 'payment_method: at most 100 characters'
        when p_field = 'vendor_tax_id' then 'vendor_tax_id: 6 to 24 letters and digits'
        when p_field = 'currency' then 'currency: must be an ISO 4217 code such as EUR'
        when p_field = 'receipt_date' then 'receipt_date: must be a date as YYYY-MM-DD'
        when p_field = 'receipt_time' then 'receipt_time: must be a time as HH:MM or HH:MM:SS'
        when p_field in ('subtotal', 'tax', 'total') then
          p_field || ': must be a non-negative amount with at most 4 decimals'
        else p_field || ': is not a field that can be corrected' end
      using errcode = '22023', column = p_field;
  end;
  return v_text;
end;
$$;

comment on function private._correction_value(text, jsonb) is
  'One corrected field''s value in its column''s text form (trimmed; empty = null), or 22023 '
  'naming the field (COLUMN) when the value does not fit.';

create function private._learn_corrected_vendor(
  p_organisation_id uuid,
  p_tax_id text,
  p_vendor text,
  p_receipt_id uuid
)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  if p_tax_id is null or p_vendor is null then
    return; -- the directory is keyed by the shop's tax id: nothing to key a name by
  end if;
  -- The latest person's reading wins, even over an earlier person's (both confidence 1).
  insert into public.vendor_directory as d (organisation_id, tax_id, vendor, confidence, source_receipt_id)
  values (p_organisation_id, p_tax_id, p_vendor, 1, p_receipt_id)
  on conflict (organisation_id, tax_id) do update
    set vendor = excluded.vendor, confidence = 1, source_receipt_id = excluded.source_receipt_id,
        updated_at = now()
    where (d.vendor, d.confidence) is distinct from (excluded.vendor, 1::numeric);

  -- Receipts of the shop that hold an earlier full-confidence name from the directory (not one a
  -- person typed on them) take the new one; less confident ones follow through the directory
  -- trigger when the corrected receipt is written.
  with corrected as (
    update public.receipts as r
    set vendor = p_vendor, field_confidence = r.field_confidence || '{"vendor": 1}'
    where r.organisation_id = p_organisation_id and r.vendor_tax_id = p_tax_id
      and r.id <> p_receipt_id and r.vendor is distinct from p_vendor
      and coalesce((r.field_confidence ->> 'vendor')::numeric, 0) >= 1
      and not exists (select 1 from public.receipt_corrections as c
                      where c.receipt_id = r.id and c.field = 'vendor')
    returning r.id, r.organisation_id, r.status
  )
  insert into public.receipt_events (receipt_id, organisation_id, event_type, from_status, to_status, metadata)
  select c.id, c.organisation_id, 'vendor_canonicalised', c.status, c.status,
         jsonb_build_object('tax_id', p_tax_id, 'vendor', p_vendor, 'from_receipt_id', p_receipt_id)
  from corrected as c;
end;
$$;

comment on function private._learn_corrected_vendor(uuid, text, text, uuid) is
  'A person''s vendor reading enters vendor_directory with confidence 1 (replacing any reading) '
  'and reaches the shop''s receipts that carried an earlier full-confidence directory name.';

create function public.correct_receipt(
  p_receipt_id uuid,
  p_fields jsonb,
  p_confirm boolean default true,
  p_money_currency text default null
)
returns setof public.receipts
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := (select auth.uid());
  v_receipt public.receipts;
  v_values jsonb := '{}'::jsonb;
  v_changed text[] := '{}'::text[];
  v_key text;
  v_old text;
  v_new text;
begin
  if v_user_id is null then
    raise exception 'Not authenticated' using errcode = 'insufficient_privilege';
  end if;
  if p_fields is null or jsonb_typeof(p_fields) <> 'object' then
    raise exception 'fields: must be an object' using errcode = '22023', column = 'fields';
  end if;

  -- The caller's access, re-checked here (a member of the receipt's organisation).
  select r.* into v_receipt from public.receipts as r
  where r.id = p_receipt_id and r.organisation_id = any (array(select private.user_org_ids()))
  for update;
  if not found then
    raise exception 'Receipt not found' using errcode = 'no_data_found';
  end if;
  if v_receipt.status not in ('needs_review', 'ocr_done') then
    raise exception 'Receipt is % and cannot be corrected until it is read', v_receipt.status
      using errcode = 'object_not_in_prerequisite_state';
  end if;
  -- Amounts were converted from minor units with this currency's exponent (the API read it):
  -- refuse if the receipt's currency changed since and no new one is given.
  if p_money_currency is not null and p_fields ?| array['subtotal', 'tax', 'total']
     and not p_fields ? 'currency' and v_receipt.currency is distinct from p_money_currency then
    raise exception 'Receipt currency changed while it was being corrected'
      using errcode = 'serialization_failure';
  end if;

  for v_key in select k from jsonb_object_keys(p_fields) as k order by k loop
    v_new := private._correction_value(v_key, p_fields -> v_key);
    v_old := (to_jsonb(v_receipt) ->> v_key);
    if v_key in ('subtotal', 'tax', 'total') and v_old is not null then
      v_old := v_old::numeric(19, 4)::text;
    end if;
    v_values := v_values || jsonb_build_object(v_key, v_new);
    if v_old is distinct from v_new then
      v_changed := v_changed || v_key;
      insert into public.receipt_corrections
        (receipt_id, organisation_id, field, old_value, new_value, corrected_by)
      values (v_receipt.id, v_receipt.organisation_id, v_key, v_old, v_new, v_user_id);
    end if;
  end loop;

  if v_values = '{}'::jsonb and not p_confirm then
    raise exception 'fields: nothing to correct' using errcode = '22023', column = 'fields';
  end if;

  -- A person's reading is final: it enters the directory first, so the update's own directory
  -- trigger (…0340) hands it to the shop's less confident receipts.
  if v_values ? 'vendor' and ('vendor' = any (v_changed) or 'vendor_tax_id' = any (v_changed)) then
    perform private._learn_corrected_vendor(
      v_receipt.organisation_id,
      case when v_values ? 'vendor_tax_id' then v_values ->> 'vendor_tax_id' else v_receipt.vendor_tax_id end,
      case when v_values ? 'vendor' then v_values ->> 'vendor' else v_receipt.vendor end,
      v_receipt.id);
  end if;

  insert into public.receipt_events (receipt_id, organisation_id, event_type, from_status, to_status, metadata)
  values (v_receipt.id, v_receipt.organisation_id, 'corrected', v_receipt.status,
          case when p_confirm then 'ocr_done' else v_receipt.status end,
          jsonb_build_object('fields', to_jsonb(v_changed), 'confirmed', p_confirm,
                             'corrected_by', v_user_id));

  return query
  update public.receipts as r set
    vendor = case when v_values ? 'vendor' then v_values ->> 'vendor' else r.vendor end,
    vendor_address = case when v_values ? 'vendor_address' then v_values ->> 'vendor_address' else r.vendor_address end,
    vendor_tax_id = case when v_values ? 'vendor_tax_id' then v_values ->> 'vendor_tax_id' else r.vendor_tax_id end,
    receipt_date = case when v_values ? 'receipt_date' then (v_values ->> 'receipt_date')::date else r.receipt_date end,
    receipt_time = case when v_values ? 'receipt_time' then (v_values ->> 'receipt_time')::time else r.receipt_time end,
    currency = case when v_values ? 'currency' then v_values ->> 'currency' else r.currency end,
    subtotal = case when v_values ? 'subtotal' then (v_values ->> 'subtotal')::numeric else r.subtotal end,
    tax = case when v_values ? 'tax' then (v_values ->> 'tax')::numeric else r.tax end,
    total = case when v_values ? 'total' then (v_values ->> 'total')::numeric else r.total end,
    payment_method = case when v_values ? 'payment_method' then v_values ->> 'payment_method' else r.payment_method end,
    -- the parser's confidence keys (address, date, time, tax_id) for the API's field names
    field_confidence = r.field_confidence || coalesce((
      select jsonb_object_agg(case k when 'vendor_address' then 'address' when 'receipt_date' then 'date'
                                     when 'receipt_time' then 'time' when 'vendor_tax_id' then 'tax_id'
                                     else k end, 1)
      from jsonb_object_keys(v_values) as k), '{}'),
    status = case when p_confirm then 'ocr_done'::public.receipt_status else r.status end
  where r.id = v_receipt.id
  returning r.*;
end;
$$;

comment on function public.correct_receipt(uuid, jsonb, boolean, text) is
  'A person corrects a read receipt (needs_review or ocr_done) they can see: each changed field is '
  'stored in receipt_corrections (who, when, old, new; audited), sent fields get confidence 1, '
  'a corrected vendor enters vendor_directory with confidence 1, and p_confirm moves the receipt '
  'to ocr_done. Money as decimal text; p_money_currency guards the currency the caller converted '
  'amounts with. Errors: P0002 not found, 55000 not reviewable, 22023 bad field (COLUMN names it).';

-- ============================================================================
-- grants
-- ============================================================================
revoke all on public.receipt_corrections from public, anon, authenticated, service_role;
grant select on public.receipt_corrections to authenticated, service_role;
revoke all on function private._correction_value(text, jsonb) from public, anon, authenticated;
revoke all on function private._learn_corrected_vendor(uuid, text, text, uuid) from public, anon, authenticated;
-- a correction is a person's: the service role has no user to record
revoke all on function public.correct_receipt(uuid, jsonb, boolean, text) from public, anon, service_role;
grant execute on function public.correct_receipt(uuid, jsonb, boolean, text) to authenticated;
