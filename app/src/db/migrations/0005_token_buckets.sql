-- Local rate limits of integrations, as Healthchecks' TokenBucket: at most 6 messages a
-- minute to one Telegram chat or one ntfy topic, however many alert engines are running. The
-- buckets live here, not in each process, so that N engines do not allow N times the rate.
create table token_buckets (
  -- A digest of what is limited ("telegram:<chat id>", "ntfy:<server> <topic>"): topics on
  -- ntfy.sh act as passwords and need not be copied into a second table.
  key text primary key,
  -- Messages that may be sent now; refilled continuously up to the bucket's capacity.
  tokens double precision not null,
  updated_at timestamptz not null
);
-- Pruning: a bucket untouched for longer than its refill time is full, the same as no row.
create index token_buckets_updated on token_buckets (updated_at);
