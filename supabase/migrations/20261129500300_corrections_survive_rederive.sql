-- A person's corrections outlive a new reading (issue 11): when the worker settles a new result
-- on a receipt (re-derivation after a parser change, a replay), the fields people corrected keep
-- their latest corrected value and confidence 1. Fires only when processor_version changes.

-- ============================================================================
-- functions
-- ============================================================================
create function private.keep_corrected_fields()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_correction record;
begin
  for v_correction in
    select distinct on (c.field) c.field, c.new_value
    from public.receipt_corrections as c
    where c.receipt_id = new.id
    order by c.field, c.id desc
  loop
    case v_correction.field
      when 'vendor' then new.vendor := v_correction.new_value;
      when 'vendor_address' then new.vendor_address := v_correction.new_value;
      when 'vendor_tax_id' then new.vendor_tax_id := v_correction.new_value;
      when 'receipt_date' then new.receipt_date := v_correction.new_value::date;
      when 'receipt_time' then new.receipt_time := v_correction.new_value::time;
      when 'currency' then new.currency := v_correction.new_value;
      when 'subtotal' then new.subtotal := v_correction.new_value::numeric;
      when 'tax' then new.tax := v_correction.new_value::numeric;
      when 'total' then new.total := v_correction.new_value::numeric;
      when 'payment_method' then new.payment_method := v_correction.new_value;
    end case;
    new.field_confidence := new.field_confidence || jsonb_build_object(
      case v_correction.field when 'vendor_address' then 'address' when 'receipt_date' then 'date'
        when 'receipt_time' then 'time' when 'vendor_tax_id' then 'tax_id'
        else v_correction.field end, 1);
  end loop;
  return new;
end;
$$;

comment on function private.keep_corrected_fields() is
  'before update of processor_version on receipts: re-applies each field''s latest correction '
  '(public.receipt_corrections) over a new reading, with confidence 1.';

-- ============================================================================
-- triggers
-- ============================================================================
create trigger tallyq_keep_corrected_fields
  before update on public.receipts
  for each row
  when (new.processor_version is distinct from old.processor_version)
  execute function private.keep_corrected_fields();

-- ============================================================================
-- grants
-- ============================================================================
revoke all on function private.keep_corrected_fields() from public, anon, authenticated;
