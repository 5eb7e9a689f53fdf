-- A ledger write is recorded once (20261201100100): a posted transfer writes three audit rows (its
-- transaction and its two entries), not also the account updates that only carry the same balances
-- again; any other change to an account is audited in full. The one-statement insert path writes
-- the rows the general path wrote, and leaves personal data to the general path.
begin;
\ir ../00_helpers/tests_schema.psql
\ir ../wallet/fixtures.psql
select plan(14);
select tests.wallet_seed();
select tests.wallet('owner') as owner, tests.wallet('member') as member,
       tests.wallet('stranger') as stranger \gset

create function tests.audit_rows_since(p_id bigint)
returns table (table_name text, op text, record_pk jsonb)
language sql set search_path = '' as $$
  select l.table_name::text, l.op, l.record_pk from private.audit_log as l where l.id > p_id order by l.id
$$;

-- A posted transfer, with a description (personal data) and a request context.
select max(id) as before_transfer from private.audit_log \gset
select set_config('tallyq.client_ip', '203.0.113.7', true);
select tests.wallet_call('owner', format('public.wallet_transfer(%L, %L, 250, %L, %L)',
  :'owner', :'member', 'EUR', 'lunch')) #>> '{transfer,id}' as transfer_id \gset
select set_config('tallyq.client_ip', '', true);
select results_eq(
  format('select table_name, op from tests.audit_rows_since(%s)', :before_transfer),
  $$values ('wallet_transactions', 'INSERT'), ('wallet_entries', 'INSERT'), ('wallet_entries', 'INSERT')$$,
  'a posted transfer writes three audit rows: its transaction and its two entries, no account update');
select is(
  (select count(*)::int from private.audit_log as l
   join public.wallet_accounts as a on a.id = (l.new_record ->> 'account_id')::uuid
   where l.id > :before_transfer and l.table_name = 'wallet_entries'
     and (l.new_record ->> 'balance_after_minor')::bigint = a.posted_balance_minor
     and (l.new_record ->> 'version')::bigint = a.version),
  2, 'each entry''s audit row holds the balance and version its account now stores');
select is(
  (select count(distinct l.context_id)::int from private.audit_log as l
   where l.id > :before_transfer and l.context_digest is not null),
  1, 'all three rows name the one request context of the transfer');
select is(
  (select count(*)::int from private.audit_log as l where l.id > :before_transfer and l.new_record ? 'description'),
  0, 'the description is personal data: kept out of every row image');
select is(
  (select p.data from private.audit_log as l join private.audit_personal_data as p on p.audit_id = l.id
   where l.id > :before_transfer and l.table_name = 'wallet_transactions'),
  '{"new": {"description": "lunch"}}'::jsonb, 'and stored erasably against the transaction''s row');

-- Without personal data the transaction takes the one-statement path: the same row, no personal part.
select max(id) as before_plain from private.audit_log \gset
select tests.fund('member', 40) #>> '{transfer,id}' as plain_id \gset
select results_eq(
  format($$select l.record_pk, l.new_record ->> 'amount_minor', l.subject_id, l.personal_digest
           from private.audit_log as l where l.id > %s and l.table_name = 'wallet_transactions'$$, :before_plain),
  format($$values (jsonb_build_object('id', %L::text), '40', null::uuid, null::bytea)$$, :'plain_id'),
  'a transaction without a description: its row, keyed by id, with nothing personal');
select is(
  (select count(*)::int from private.audit_personal_data as p join private.audit_log as l on l.id = p.audit_id
   where l.id > :before_plain),
  0, 'and no personal data row');

-- A pending reserve moves only the pending sums: its transaction records the amount.
select max(id) as before_pending from private.audit_log \gset
select tests.wallet_call('owner', format('public.wallet_transfer(%L, %L, 70, %L, null, 600)',
  :'owner', :'member', 'EUR')) ->> 'ok' as pending_ok \gset
select results_eq(
  format($$select table_name::text collate "default", op, new_record ->> 'amount_minor' from private.audit_log where id > %s$$,
         :before_pending),
  $$values ('wallet_transactions', 'INSERT', '70')$$,
  'a pending reserve writes its transaction''s row only (the pending sums are its amount)');

-- Any other change to an account is audited, balance columns included in both images.
select max(id) as before_close from private.audit_log \gset
select tests.wallet_call('service_role', format('public.wallet_close_account(%L)', :'stranger')) ->> 'ok' as closed \gset
select results_eq(
  format($$select op, changed_fields, old_record ? 'posted_balance_minor', new_record ? 'version'
           from private.audit_log where id > %s and table_name = 'wallet_accounts'$$, :before_close),
  $$values ('UPDATE', '{closed_at}'::text[], true, true)$$,
  'closing an account is audited with its whole before and after images');

-- The owner writing the table directly: a change confined to the ledger's columns is not recorded
-- again; one that also touches another column is, with both in changed_fields.
select max(id) as before_direct from private.audit_log \gset
update public.wallet_accounts set posted_balance_minor = posted_balance_minor + 1, version = version + 1
where id = :'member';
select is((select count(*)::int from private.audit_log where id > :before_direct), 0,
  'an update of only the ledger''s columns writes no audit row (reconciliation is what flags it)');
update public.wallet_accounts set posted_balance_minor = posted_balance_minor - 1, allow_overdraft = true
where id = :'member';
select results_eq(
  format($$select changed_fields from private.audit_log where id > %s$$, :before_direct),
  $$values ('{allow_overdraft,posted_balance_minor}'::text[])$$,
  'an update that also changes another column is audited, every changed column listed');
update public.wallet_accounts set allow_overdraft = false, version = version - 1 where id = :'member';

-- A multi-row update of other columns: one row each, through the row trigger.
select max(id) as before_multi from private.audit_log \gset
update public.wallet_accounts set allow_overdraft = not allow_overdraft where id in (:'owner', :'member');
select is((select count(*)::int from private.audit_log where id > :before_multi and op = 'UPDATE'), 2,
  'a two-row update of another column writes two audit rows');
update public.wallet_accounts set allow_overdraft = not allow_overdraft where id in (:'owner', :'member');

-- An insert that inserted nothing writes neither an audit row nor a request context.
select max(id) as before_nothing, (select count(*) from private.audit_contexts) as contexts_before
from private.audit_log \gset
select set_config('tallyq.client_ip', '203.0.113.8', true);
insert into public.wallet_discrepancies (check_name, detail) select 'probe', '{}' where false;
select set_config('tallyq.client_ip', '', true);
select is((select count(*)::int from private.audit_log where id > :before_nothing), 0,
  'an insert of no rows writes no audit row');
select is((select count(*)::int from private.audit_contexts), :contexts_before::int,
  'nor a request context');

select * from finish();
rollback;
