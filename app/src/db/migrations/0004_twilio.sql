-- State of the Twilio integrations (sms, whatsapp, call): monthly usage against SMS_LIMIT and
-- CALL_LIMIT, and the message SIDs that tie Twilio's delivery status callbacks to our
-- notifications.

-- Messages and calls sent per account and calendar month (UTC), as Healthchecks' profile
-- counters: counted per project owner, across all their projects; a project without an
-- owner counts on its own. SMS and WhatsApp share the 'sms' count.
create table twilio_usage (
  id bigint generated always as identity primary key,
  user_id integer references users (id) on delete cascade,
  project_id integer references projects (id) on delete cascade,
  kind text not null check (kind in ('sms', 'call')),
  -- The first day of the month counted.
  month date not null check (extract(day from month) = 1),
  sent integer not null default 0 check (sent >= 0),
  -- When the owner was emailed that the limit was reached this month; null: not yet.
  limit_notice_at timestamptz,
  check ((user_id is null) <> (project_id is null))
);
create unique index twilio_usage_user on twilio_usage (user_id, kind, month) where user_id is not null;
create unique index twilio_usage_project on twilio_usage (project_id, kind, month) where project_id is not null;

-- One row per message or call Twilio accepted. `code` is the notification code in the status
-- callback URL (/api/v3/notifications/<code>/status): the delivery's code, the same on every
-- attempt, or a test notification's own. A delivery that already has a row is not sent again
-- (Twilio's API takes no idempotency key; this table stands in for one).
create table twilio_messages (
  sid text primary key check (sid ~ '^[A-Z]{2}[0-9a-f]{32}$'),
  code uuid not null,
  channel_id integer not null references channels (id) on delete cascade,
  -- The attempt's time (notice.now): a test notification is found by it.
  created_at timestamptz not null,
  -- The last status Twilio reported (queued, sent, delivered, undelivered, failed, completed...).
  status text not null default '',
  -- "Delivery failed (status=...)." when a callback reported a failure.
  error text not null default ''
);
create index twilio_messages_code on twilio_messages (code, created_at);
create index twilio_messages_created on twilio_messages (created_at);
