-- The alert engine's tables. A flip (0001) says "someone must be told"; the engine turns it
-- into one delivery per (flip, channel), sends each at least once with retries, and logs
-- every attempt as a notification, as Healthchecks does.

-- How long the last send took, to spot slow targets (Healthchecks' last_notify_duration).
alter table channels add column last_notify_duration_ms integer;
-- Secret part of the email unsubscribe link (/integrations/<code>/unsub/<key>/). Random per
-- channel, so no site-wide signing key is needed and a leaked link cannot be forged for others.
alter table channels add column unsubscribe_key text not null
  default replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '');
alter table channels add column disabled_at timestamptz;

-- "Other checks down" in every notification: the first ones by name, and how many.
create index checks_project_down on checks (project_id, name, id) where status = 'down';
-- The dispatcher keeps each check's flips in order: "is there an earlier unprocessed flip?"
create index flips_unprocessed_check on flips (check_id, id) where processed_at is null;

create table deliveries (
  id bigint generated always as identity primary key,
  -- flip: a status change; reminder: "still down"; notice: mail to the project owner that
  -- this channel was disabled (sent through the email sender, not through the channel).
  kind text not null check (kind in ('flip', 'reminder', 'notice')),
  channel_id integer not null references channels (id) on delete cascade,
  -- Copied from the channel at creation: workers claim per kind with bounded concurrency.
  -- Notices go through the email sender, so theirs is 'email'.
  channel_kind text not null,
  check_id integer references checks (id) on delete cascade,
  flip_id bigint references flips (id) on delete cascade,
  -- The direction announced: "down" or "up".
  status text not null check (status in ('up', 'down')),
  -- When the event happened (flip time, reminder time); messages show it.
  event_at timestamptz not null,
  -- When the engine created the row; the retry horizon counts from here.
  queued_at timestamptz not null,
  -- Everything the message needs (core/summary.ts), fixed when the row is created so that
  -- every retry sends the same content.
  summary jsonb not null,
  -- Idempotency key sent to targets that accept one, and the notification code.
  code uuid not null unique,
  state text not null default 'pending' check (state in ('pending', 'sent', 'failed', 'cancelled')),
  attempts integer not null default 0,
  -- Due time. A claim moves it to the end of the lease, so a sender that dies mid-send
  -- leaves a row that becomes due again when the lease expires.
  next_attempt_at timestamptz not null,
  -- Random per claim; only the holder of the current claim may record the outcome.
  lease_token uuid,
  last_error text not null default '',
  sent_at timestamptz,
  finished_at timestamptz,
  check ((state = 'pending') = (finished_at is null)),
  check ((state = 'sent') = (sent_at is not null)),
  check (kind = 'notice' or (flip_id is not null and check_id is not null))
);
-- One delivery per (flip, channel): dispatching a flip twice cannot send twice.
create unique index deliveries_flip_channel on deliveries (flip_id, channel_id) where kind = 'flip';
-- The claim: due rows of one kind, oldest first.
create index deliveries_due on deliveries (channel_kind, next_attempt_at) where state = 'pending';
-- Per-check order: "is an earlier delivery to this channel about this check still pending?"
create index deliveries_pending_order on deliveries (check_id, channel_id, id) where state = 'pending';
-- Reminders waiting to be sent, cancelled when the check flips again (a small index).
create index deliveries_pending_reminders on deliveries (check_id) where kind = 'reminder' and state = 'pending';
create index deliveries_channel on deliveries (channel_id);
create index deliveries_finished on deliveries (finished_at) where finished_at is not null;

-- One row per attempt to notify (Healthchecks' Notification): the event log and the
-- dashboard show them; channels.last_error mirrors the newest.
create table notifications (
  id bigint generated always as identity primary key,
  delivery_id bigint references deliveries (id) on delete cascade,
  channel_id integer not null references channels (id) on delete cascade,
  check_id integer references checks (id) on delete cascade,
  -- "down", "up", or "test" for a test notification sent from the API.
  check_status text not null check (check_status in ('up', 'down', 'test')),
  created_at timestamptz not null,
  duration_ms integer not null,
  -- '' when sent.
  error text not null default ''
);
create index notifications_check on notifications (check_id, created_at);
create index notifications_channel on notifications (channel_id, created_at);
create index notifications_created on notifications (created_at);

-- Repeated reminders while a check stays down (Healthchecks issue #510), per channel: the
-- channel's config.reminder_interval (seconds) says how often. One row per (check, channel)
-- during one down period; removed when the check leaves that period.
create table reminders (
  check_id integer not null references checks (id) on delete cascade,
  channel_id integer not null references channels (id) on delete cascade,
  -- The down flip that opened the period; a later flip ends it.
  flip_id bigint not null references flips (id) on delete cascade,
  next_at timestamptz not null,
  sent integer not null default 0,
  primary key (check_id, channel_id)
);
create index reminders_due on reminders (next_at);
