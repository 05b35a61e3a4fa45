-- Placeholder for migration 0002, assigned to another branch (ping or management API) that
-- is being built at the same time as the alert engine's 0003. The runner refuses gaps, so the
-- alerts branch ships this empty file; DELETE IT when the branch that owns 0002 is merged.
select 1;
