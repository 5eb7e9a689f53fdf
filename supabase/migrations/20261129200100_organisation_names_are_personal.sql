-- Audit: an organisation's name is personal data. A personal organisation is named after its
-- person (full_name at sign-up), so its name goes to the erasable part of the audit
-- (private.audit_personal_data, subject = created_by) instead of the chained old/new_record, and
-- private.erase_audit_personal_data(<user>) leaves no readable trace of it. Called at migration time.

select private.enable_audit('public.organisations', 'id', '{name}', 'created_by');
