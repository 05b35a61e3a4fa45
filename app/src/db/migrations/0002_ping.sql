-- The ping path in one statement. A ping must be counted, logged and, when it changes the
-- check's status, turned into a flip, all in one transaction and in one database round trip
-- (the ping endpoint is the hottest path in the system). cw_ping() does what Healthchecks
-- splits between hc/api/views.py (ping, ping_by_slug) and hc/api/models.py (Check.ping,
-- Ping.duration, Check.prune), given a request the HTTP handler has already parsed
-- (core/ping.ts). The caller runs `select * from cw_ping(...)` in autocommit, so the reply
-- reaches the client only after the implicit transaction has committed.
--
-- Concurrency: the check row is locked `for no key update` (Healthchecks' select_for_update)
-- before anything is read from it, so concurrent pings to one check are serialised: each sees
-- the previous one's n_pings and status, no count or flip is lost. `no key` because no key
-- changes: inserts that only reference the check (pings, flips, check_channels) do not wait.

-- The run events of a check by run id, newest last: how a success or failure finds the start
-- it ends (see the duration below) in one index probe, however long the ping log is.
create index pings_run_events on pings (check_id, rid, n) where kind in ('start', 'success', 'fail');

-- Healthchecks' match_keywords on the raw body: comma-separated keywords, each stripped of
-- Python's whitespace, matched case-sensitively as substrings. Healthchecks matches decoded
-- text (and fails with a 500 on a body that is not UTF-8); matching the UTF-8 bytes of each
-- keyword against the raw bytes gives the same answer as matching the leniently decoded text
-- (a keyword starts on a character boundary and U+FFFD replaces only non-ASCII garbage), except
-- for a keyword that itself contains U+FFFD, and never fails.
create function cw_match_keywords(body bytea, keywords text) returns boolean
language sql immutable parallel safe
as $$
  select exists (
    select 1
      from unnest(string_to_array(keywords, ',')) as k(word),
           lateral (select btrim(k.word, E'\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000') as word) as stripped
     where stripped.word <> ''
       and position(convert_to(stripped.word, 'UTF8') in body) > 0
  )
$$;

-- Records one ping. Outcomes (the HTTP handler maps them to status codes):
--   'OK' / 'Created'        recorded; 'Created' when this ping auto-provisioned the check
--   'not found'             no such check (or no such project, or over the check limit)
--   'ambiguous slug'        more than one check in the project has this slug
--   p_request_error         'invalid url format' / 'invalid uuid format', found by the handler
--                           and reported only after the lookup, as Healthchecks does (an
--                           auto-provisioned check is kept even then)
-- With a found check, o_kind, o_schedule and o_tz describe it, so the handler can cache them.
--
-- alert_after ("may go down at", core/status.ts goesDownAt) is exact for simple checks. SQL
-- cannot evaluate cron or OnCalendar schedules, so for those the handler passes the next fire
-- time after p_now (p_sched_next, null meaning "never again") computed for the schedule it
-- believes the check has (p_sched_kind/expr/tz, null when it has no guess); it is used only when
-- that guess matches the row. Otherwise the next expected ping is taken to be p_now itself: the
-- schedule's next fire time is always later, so alert_after comes out early, never late, as the
-- schema promises, and the alert engine recomputes it when it comes due.
create function cw_ping(
  p_code uuid,                    -- UUID form; null for the slug form
  p_ping_key text,                -- slug form: the project's ping key
  p_slug text,                    -- slug form: the check's slug (lowercase, checked by the handler)
  p_create boolean,               -- slug form: ?create=1
  p_create_limit integer,         -- checks an owner may reach by auto-provisioning (2 × CHECK_LIMIT)
  p_request_error text,
  p_action text,                  -- 'success', 'start', 'fail' (also exit status 1..255) or 'log'
  p_exit_status integer,
  p_rid uuid,
  p_now timestamptz,
  p_remote_addr text,
  p_scheme text,
  p_method text,
  p_ua text,
  p_body bytea,                   -- already truncated to PING_BODY_LIMIT; null when empty
  p_has_confirmation_link boolean,
  p_log_limit integer,            -- PING_LOG_LIMIT
  p_sched_kind text,
  p_sched_expr text,
  p_sched_tz text,
  p_sched_next timestamptz,
  out o_outcome text,
  out o_kind text,
  out o_schedule text,
  out o_tz text
)
language plpgsql
as $$
declare
  c checks;
  v_ids integer[];
  v_project projects;
  v_created boolean := false;
  v_action text := p_action;
  v_status text;
  v_next timestamptz;
  v_grace_start timestamptz;
  v_alert_after timestamptz;
  v_prev record;
  v_duration_ms bigint;
  v_n integer;
  v_used bigint;
begin
  -- 1. The check, locked (views.ping / views.ping_by_slug).
  if p_code is not null then
    select * into c from checks where code = p_code for no key update;
    if not found then
      o_outcome := 'not found';
      return;
    end if;
  else
    select array_agg(m.id) into v_ids
      from (select checks.id
              from checks
              join projects on projects.id = checks.project_id
             where projects.ping_key = p_ping_key
               and checks.slug = p_slug
             limit 2) as m;
    if v_ids is null and p_create then
      -- Auto-provisioning. The project row is locked so that two first pings of a new slug
      -- create one check, not two (Healthchecks can create both, and every later ping then
      -- gets 409); the lookup is repeated under that lock.
      select * into v_project from projects where ping_key = p_ping_key for no key update;
      if not found then
        o_outcome := 'not found';
        return;
      end if;
      select array_agg(m.id) into v_ids
        from (select id from checks where project_id = v_project.id and slug = p_slug limit 2) as m;
      if v_ids is null then
        if length(p_slug) > 100 then
          -- Longer than any slug can be (Healthchecks fails with a 500 here).
          o_outcome := 'invalid url format';
          return;
        end if;
        -- Healthchecks lets auto-provisioning exceed the owner's check limit up to twice.
        -- The owner's row is locked so that concurrent creations in several of their
        -- projects cannot pass the limit together; a project without owner has its own limit.
        if v_project.owner_id is not null then
          perform 1 from users where id = v_project.owner_id for no key update;
          select count(*) into v_used
            from checks
            join projects on projects.id = checks.project_id
           where projects.owner_id = v_project.owner_id;
        else
          select count(*) into v_used from checks where project_id = v_project.id;
        end if;
        if v_used >= p_create_limit then
          o_outcome := 'not found';
          return;
        end if;
        insert into checks (code, project_id, name, slug, badge_key)
        values (gen_random_uuid(), v_project.id, p_slug, p_slug, gen_random_uuid())
        returning * into c;
        -- assign_all_channels
        insert into check_channels (check_id, channel_id)
        select c.id, channels.id from channels where channels.project_id = v_project.id;
        v_created := true;
      end if;
    end if;
    if v_ids is null and not v_created then
      o_outcome := 'not found';
      return;
    end if;
    if cardinality(v_ids) > 1 then
      o_outcome := 'ambiguous slug';
      return;
    end if;
    if not v_created then
      -- The slug is tested again on the locked row: a concurrent rename wins.
      select * into c from checks where id = v_ids[1] and slug = p_slug for no key update;
      if not found then
        o_outcome := 'not found';
        return;
      end if;
    end if;
  end if;

  o_kind := c.kind;
  o_schedule := c.schedule;
  o_tz := c.tz;
  if p_request_error is not null then
    o_outcome := p_request_error;
    return;
  end if;

  -- 2. What the ping means for this check (views.ping, then the top of Check.ping).
  if c.methods = 'POST' and p_method <> 'POST' then
    v_action := 'ign';
  elsif c.filter_http_body then
    -- The keywords override the URL's action, /start, /fail, /log and exit codes included.
    if c.failure_kw <> '' and cw_match_keywords(coalesce(p_body, ''), c.failure_kw) then
      v_action := 'fail';
    elsif c.success_kw <> '' and cw_match_keywords(coalesce(p_body, ''), c.success_kw) then
      v_action := 'success';
    elsif c.start_kw <> '' and cw_match_keywords(coalesce(p_body, ''), c.start_kw) then
      v_action := 'start';
    elsif c.filter_default_fail then
      v_action := 'fail';
    else
      v_action := 'ign';
    end if;
  end if;
  if c.status = 'paused' and c.manual_resume then
    v_action := 'ign';
  end if;

  -- 3. The transition (Check.ping).
  v_status := c.status;
  if v_action = 'start' then
    c.last_start := p_now;
    c.last_start_rid := p_rid;
  elsif v_action in ('success', 'fail') then
    -- This ping's duration as Healthchecks computes it when it reads the log (Ping.duration,
    -- prepare_durations): the time since the latest earlier start with the same run id
    -- (null = null), unless a success or failure with that run id came in between or the
    -- start is 72 hours old or older. Stored now so that reading the log costs nothing.
    -- One probe of pings_run_events: the latest start/success/fail with this run id, kept
    -- only if it is a start less than 72 hours old. (Filtering by time after the probe is
    -- the same as Healthchecks' filtering before its scan because n grows with time.)
    if p_rid is null then
      select pings.kind, pings.created_at into v_prev
        from pings
       where pings.check_id = c.id
         and pings.rid is null
         and pings.kind in ('start', 'success', 'fail')
       order by pings.n desc
       limit 1;
    else
      select pings.kind, pings.created_at into v_prev
        from pings
       where pings.check_id = c.id
         and pings.rid = p_rid
         and pings.kind in ('start', 'success', 'fail')
       order by pings.n desc
       limit 1;
    end if;
    if found and v_prev.kind = 'start' and v_prev.created_at > p_now - interval '72 hours' then
      v_duration_ms := round(extract(epoch from p_now - v_prev.created_at) * 1000);
    end if;

    c.last_ping := p_now;
    c.last_duration_ms := null;
    if c.last_start is not null then
      if c.last_start_rid is not distinct from p_rid then
        c.last_duration_ms := round(extract(epoch from p_now - c.last_start) * 1000);
        c.last_start := null;
      elsif v_action = 'fail' or p_rid is null then
        -- A failure ends any run; a success without run id ends it too. A success with
        -- another run id leaves the latest run's timer running.
        c.last_start := null;
      end if;
    end if;
    v_status := case when v_action = 'fail' then 'down' else 'up' end;
  end if;

  -- 4. alert_after = going_down_after() of the new state (core/status.ts goesDownAt).
  if c.kind = 'simple' then
    v_grace_start := case when v_status = 'up' then c.last_ping + make_interval(secs => c.timeout_seconds) end;
    if c.last_start is not null and v_status <> 'down' then
      v_grace_start := least(v_grace_start, c.last_start); -- least() skips a null
    end if;
    v_alert_after := v_grace_start + make_interval(secs => c.grace_seconds);
  elsif v_action in ('success', 'fail') then
    if v_status = 'up' then
      if c.kind = p_sched_kind and c.schedule = p_sched_expr and c.tz = p_sched_tz then
        v_next := p_sched_next;  -- null: the schedule never fires again
      else
        v_next := p_now;         -- unknown schedule: early
      end if;
      v_grace_start := least(v_next, c.last_start);
    end if;
    v_alert_after := v_grace_start + make_interval(secs => c.grace_seconds);
  elsif v_action = 'start' then
    -- last_ping is unchanged, so the next expected ping is too: the stored alert_after is
    -- min(next expected, previous start) + grace, or earlier. The new start can only bring
    -- the deadline forward, to start + grace.
    v_alert_after := case
      when v_status = 'down' then null
      when v_status = 'up' then least(c.alert_after, p_now + make_interval(secs => c.grace_seconds))
      else p_now + make_interval(secs => c.grace_seconds)
    end;
  else
    v_alert_after := c.alert_after; -- log and ign change nothing
  end if;

  -- 5. A flip for a changed status, unprocessed so that the alert engine picks it up.
  if v_status <> c.status then
    insert into flips (check_id, created_at, old_status, new_status, reason)
    values (c.id, p_now, c.status, v_status, case when v_action = 'fail' then 'fail' else '' end);
  end if;

  update checks
     set status = v_status,
         last_ping = c.last_ping,
         last_start = c.last_start,
         last_start_rid = c.last_start_rid,
         last_duration_ms = c.last_duration_ms,
         alert_after = v_alert_after,
         has_confirmation_link = p_has_confirmation_link,
         n_pings = n_pings + 1
   where id = c.id
  returning n_pings into v_n;

  insert into pings (check_id, n, created_at, kind, scheme, remote_addr, method, ua, body, rid, exit_status, duration_ms)
  values (c.id, v_n, p_now, v_action, p_scheme, p_remote_addr, p_method, p_ua, p_body, p_rid, p_exit_status, v_duration_ms);

  -- 6. Every 100th ping, as Healthchecks does, drop the pings beyond the log limit, and the
  -- processed flips older than both the oldest ping kept and 93 days (downtime reports need
  -- the current month and the two before it). Unprocessed flips are never touched.
  if v_n % 100 = 0 then
    delete from pings where check_id = c.id and n <= v_n - p_log_limit;
    delete from flips
     where check_id = c.id
       and processed_at is not null
       and created_at < least(
             -- The oldest ping kept, found by the primary key (n grows with time).
             (select pings.created_at from pings where pings.check_id = c.id order by pings.n limit 1),
             p_now - interval '93 days');
  end if;

  o_outcome := case when v_created then 'Created' else 'OK' end;
end;
$$;

-- Several pings in one statement: what the HTTP handler sends when pings arrive faster than
-- the database answers (http/ping/batcher.ts), so that a burst costs one round trip and one
-- commit instead of one each. Element i of every array is ping i; each is applied by
-- cw_ping() exactly as if it came alone, in one transaction, so all are acknowledged or none.
-- The pings are applied in the order of (UUID, ping key, slug, arrival): every batch then
-- locks the checks it pings in the same order, so concurrent batches of UUID pings cannot
-- deadlock (a check pinged both by UUID and by slug in two batches at once can; PostgreSQL
-- detects that and the handler retries). Pings to one check keep their arrival order.
create function cw_ping_batch(
  p_codes uuid[],
  p_ping_keys text[],
  p_slugs text[],
  p_creates boolean[],
  p_create_limit integer,
  p_request_errors text[],
  p_actions text[],
  p_exit_statuses integer[],
  p_rids uuid[],
  p_nows timestamptz[],
  p_remote_addrs text[],
  p_schemes text[],
  p_methods text[],
  p_uas text[],
  p_bodies bytea[],
  p_has_confirmation_links boolean[],
  p_log_limit integer,
  p_sched_kinds text[],
  p_sched_exprs text[],
  p_sched_tzs text[],
  p_sched_nexts timestamptz[]
)
returns table (o_ordinal integer, o_outcome text, o_kind text, o_schedule text, o_tz text)
language plpgsql
as $$
declare
  i integer;
  r record;
begin
  for i in
    select u.ordinal::integer
      from unnest(p_codes, p_ping_keys, p_slugs) with ordinality as u(code, ping_key, slug, ordinal)
     order by u.code nulls last, u.ping_key, u.slug, u.ordinal
  loop
    select * into r
      from cw_ping(p_codes[i], p_ping_keys[i], p_slugs[i], p_creates[i], p_create_limit, p_request_errors[i],
                   p_actions[i], p_exit_statuses[i], p_rids[i], p_nows[i], p_remote_addrs[i], p_schemes[i],
                   p_methods[i], p_uas[i], p_bodies[i], p_has_confirmation_links[i], p_log_limit,
                   p_sched_kinds[i], p_sched_exprs[i], p_sched_tzs[i], p_sched_nexts[i]);
    o_ordinal := i;
    o_outcome := r.o_outcome;
    o_kind := r.o_kind;
    o_schedule := r.o_schedule;
    o_tz := r.o_tz;
    return next;
  end loop;
end;
$$;
