-- Placeholder for migration 0004, assigned to another integrations branch built at the same
-- time as the chat integrations' 0005. The runner refuses gaps, so this branch ships this
-- empty file; DELETE IT when the branch that owns 0004 is merged.
select 1;
