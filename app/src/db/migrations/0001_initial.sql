-- Cronwarden's core tables. Vocabulary as in Healthchecks: a project holds checks and
-- channels; a check receives pings; a change of a check's status is a flip; a flip is
-- delivered to the check's channels.

create table users (
  id integer generated always as identity primary key,
  email text not null unique check (email = lower(email) and position('@' in email) > 1),
  -- scrypt, as "scrypt$N$r$p$salt$hash" (base64); null until the user sets a password.
  password_hash text,
  created_at timestamptz not null default now()
);

create table projects (
  id integer generated always as identity primary key,
  code uuid not null unique,
  name text not null check (length(name) between 1 and 200),
  owner_id integer references users (id) on delete restrict,
  -- Used in slug ping URLs (/ping/<ping_key>/<slug>), so it is public and kept in clear.
  ping_key text unique check (ping_key ~ '^[a-z0-9]{22}$'),
  -- Each project signs its own badge URLs, so no site-wide secret rotation can break them.
  badge_key text not null unique,
  show_slugs boolean not null default false,
  created_at timestamptz not null default now()
);

create table api_keys (
  id integer generated always as identity primary key,
  -- read_write and read_only keys belong to a project; account keys to a user.
  scope text not null check (scope in ('read_write', 'read_only', 'account')),
  project_id integer references projects (id) on delete cascade,
  user_id integer references users (id) on delete cascade,
  -- The first 8 characters, shown in listings so an operator can tell keys apart.
  prefix text not null,
  -- sha256 of the whole key. Keys carry ~160 random bits, so a plain hash is enough and,
  -- unlike Healthchecks' HMAC, it does not tie every key to a secret that may need rotating.
  hash bytea not null unique,
  name text not null default '',
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz,
  check ((scope = 'account') = (project_id is null)),
  check (scope <> 'account' or user_id is not null)
);

create table checks (
  id integer generated always as identity primary key,
  code uuid not null unique,
  project_id integer not null references projects (id) on delete cascade,
  name text not null default '' check (length(name) <= 100),
  slug text not null default '' check (length(slug) <= 100),
  -- Space-separated, as in Healthchecks.
  tags text not null default '' check (length(tags) <= 500),
  description text not null default '',
  kind text not null default 'simple' check (kind in ('simple', 'cron', 'oncalendar')),
  timeout_seconds integer not null default 86400 check (timeout_seconds between 60 and 31536000),
  grace_seconds integer not null default 3600 check (grace_seconds between 60 and 31536000),
  schedule text not null default '* * * * *' check (length(schedule) <= 100),
  tz text not null default 'UTC',
  filter_subject boolean not null default false,
  filter_body boolean not null default false,
  filter_http_body boolean not null default false,
  filter_default_fail boolean not null default false,
  -- Comma-separated, case-sensitive keywords.
  start_kw text not null default '' check (length(start_kw) <= 200),
  success_kw text not null default '' check (length(success_kw) <= 200),
  failure_kw text not null default '' check (length(failure_kw) <= 200),
  methods text not null default '' check (methods in ('', 'POST')),
  manual_resume boolean not null default false,
  badge_key uuid not null unique,
  -- Stored status; "grace" and "started" are only ever computed (core/status.ts).
  status text not null default 'new' check (status in ('new', 'up', 'down', 'paused')),
  n_pings integer not null default 0,
  last_ping timestamptz,
  last_start timestamptz,
  last_start_rid uuid,
  last_duration_ms bigint,
  has_confirmation_link boolean not null default false,
  -- When the check may go down if nothing arrives first; null when it cannot. The alert
  -- engine scans this column; it may be early (the engine then recomputes), never late.
  alert_after timestamptz,
  created_at timestamptz not null default now()
)
-- Every ping updates its check: room left in each page lets the new row version stay on the
-- same page, so the update can be HOT (no index entries) when no indexed column changes.
with (fillfactor = 80);
create index checks_project_slug on checks (project_id, slug);
create index checks_alert_after on checks (alert_after) where alert_after is not null;

create table pings (
  check_id integer not null references checks (id) on delete cascade,
  -- The check's n_pings after this ping: 1, 2, 3... Pruning keeps the newest PING_LOG_LIMIT.
  n integer not null,
  created_at timestamptz not null,
  kind text not null check (kind in ('success', 'start', 'fail', 'log', 'ign')),
  scheme text not null,
  remote_addr text not null default '',
  method text not null default '',
  ua text not null default '' check (length(ua) <= 200),
  -- Raw bytes, possibly not UTF-8, truncated to PING_BODY_LIMIT.
  body bytea,
  rid uuid,
  exit_status smallint,
  duration_ms bigint,
  primary key (check_id, n)
);

create table flips (
  id bigint generated always as identity primary key,
  check_id integer not null references checks (id) on delete cascade,
  -- When the status changed: the ping's time, or the computed deadline for a timeout.
  created_at timestamptz not null,
  old_status text not null check (old_status in ('new', 'up', 'down', 'paused')),
  new_status text not null check (new_status in ('new', 'up', 'down', 'paused')),
  reason text not null default '' check (reason in ('', 'timeout', 'fail')),
  -- Null until the alert engine has turned the flip into notifications (or decided none are due).
  processed_at timestamptz
);
create index flips_check_created on flips (check_id, created_at);
create index flips_unprocessed on flips (id) where processed_at is null;

create table channels (
  id integer generated always as identity primary key,
  code uuid not null unique,
  project_id integer not null references projects (id) on delete cascade,
  kind text not null,
  name text not null default '' check (length(name) <= 100),
  -- Each integration validates and reads its own settings; no table column knows them.
  config jsonb not null default '{}',
  disabled boolean not null default false,
  last_notify timestamptz,
  last_error text not null default '',
  created_at timestamptz not null default now()
);
create index channels_project on channels (project_id);

create table check_channels (
  check_id integer not null references checks (id) on delete cascade,
  channel_id integer not null references channels (id) on delete cascade,
  primary key (check_id, channel_id)
);
create index check_channels_channel on check_channels (channel_id);
