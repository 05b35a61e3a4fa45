-- The ping path: a ping must be counted, logged and, when it changes the check's status,
-- turned into a flip, in one transaction and one database round trip (the ping endpoint is the
-- hottest path in the system). cw_ping() does what Healthchecks splits between
-- hc/api/views.py (ping, ping_by_slug) and hc/api/models.py (Check.ping, Ping.duration,
-- Check.prune), for requests the HTTP handler has already parsed (core/ping.ts). It takes a
-- batch: when pings arrive faster than the database commits, the handler sends the waiting ones
-- together (http/ping/batcher.ts), and one statement and one commit serve them all. The caller
-- runs `select * from cw_ping(...)` in autocommit, so the replies go out only after the commit.
--
-- The work is set-based: a handful of statements per batch, not per ping. PL/pgSQL running a
-- few statements for each ping costs several times more CPU than the same rules applied to the
-- whole batch at once, and CPU is what bounds the pings per second of a small server.
--
-- Concurrency: the checks of a batch are locked `for no key update` (Healthchecks'
-- select_for_update) in id order before anything is read from them, so concurrent batches are
-- serialised per check and cannot deadlock each other; each sees the previous one's n_pings and
-- status, and no count or flip is lost. `no key` because no key changes: inserts that only
-- reference a check (pings, flips, check_channels) do not wait.

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

-- Auto-provisioning (ping_by_slug with ?create=1): the check with this slug in the project
-- with this ping key, created if there is none. The project row is locked so that two first
-- pings of a new slug create one check, not two (Healthchecks can create both, and every later
-- ping then gets 409); the lookup is repeated under that lock. Outcomes: 'Created', 'OK' (it
-- exists after all), 'not found' (no such project, or over the limit), 'ambiguous slug',
-- 'invalid url format' (longer than a slug can be; Healthchecks fails with a 500).
create function cw_provision_check(p_ping_key text, p_slug text, p_create_limit integer, out o_outcome text, out o_check_id integer)
language plpgsql
as $$
declare
  v_project projects;
  v_ids integer[];
  v_used bigint;
begin
  select * into v_project from projects where ping_key = p_ping_key for no key update;
  if not found then
    o_outcome := 'not found';
    return;
  end if;
  select array_agg(m.id) into v_ids
    from (select id from checks where project_id = v_project.id and slug = p_slug limit 2) as m;
  if cardinality(v_ids) > 1 then
    o_outcome := 'ambiguous slug';
    return;
  elsif v_ids is not null then
    o_outcome := 'OK';
    o_check_id := v_ids[1];
    return;
  elsif length(p_slug) > 100 then
    o_outcome := 'invalid url format';
    return;
  end if;
  -- Healthchecks lets auto-provisioning exceed the owner's check limit up to twice. The owner's
  -- row is locked so that concurrent creations in several of their projects cannot pass the
  -- limit together; a project without owner has its own limit.
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
  returning id into o_check_id;
  -- assign_all_channels
  insert into check_channels (check_id, channel_id)
  select o_check_id, channels.id from channels where channels.project_id = v_project.id;
  o_outcome := 'Created';
end;
$$;

-- Records a batch of pings; element i of every array is ping i. Each ping gets one row:
--   'OK' / 'Created'        recorded; 'Created' when this ping auto-provisioned its check
--   'not found'             no such check (or no such project, or over the check limit)
--   'ambiguous slug'        more than one check in the project has this slug
--   p_request_errors[i]     'invalid url format' / 'invalid uuid format', found by the handler
--                           and reported only after the lookup, as Healthchecks does (an
--                           auto-provisioned check is kept even then)
-- with, when the check was found, its kind, schedule and tz (the handler caches them). Pings to
-- one check are applied in their order in the arrays, each exactly as if it came alone.
--
-- alert_after ("may go down at", core/status.ts goesDownAt) is computed exactly for simple
-- checks, then stored only if earlier than the stored one (see the update below). SQL
-- cannot evaluate cron or OnCalendar schedules, so for those the handler passes the next fire
-- time after the ping (p_sched_nexts[i], null meaning "never again") computed for the schedule
-- it believes the check has (p_sched_kinds/exprs/tzs[i], null when it has no guess); it is used
-- only when that guess matches the row. Otherwise the next expected ping is taken to be the
-- ping's own time: the schedule's next fire time is always later, so alert_after comes out
-- early, never late, as the schema promises, and the alert engine recomputes it when it is due.
-- A start cannot move the expected ping, so it only brings the stored deadline forward to
-- start + grace; log and ignored pings leave it as it is.
create function cw_ping(
  p_codes uuid[],                    -- UUID form; null for the slug form
  p_ping_keys text[],                -- slug form: the project's ping key
  p_slugs text[],                    -- slug form: the slug (lowercase, checked by the handler)
  p_creates boolean[],               -- slug form: ?create=1
  p_create_limit integer,            -- checks an owner may reach by auto-provisioning (2 × CHECK_LIMIT)
  p_request_errors text[],
  p_actions text[],                  -- from the URL: 'success', 'start', 'fail' (also exit status 1..255), 'log'
  p_exit_statuses integer[],
  p_rids uuid[],
  p_nows timestamptz[],
  p_remote_addrs text[],
  p_schemes text[],
  p_methods text[],
  p_uas text[],
  p_bodies bytea[],                  -- already truncated to PING_BODY_LIMIT; null when empty
  p_has_confirmation_links boolean[],
  p_log_limit integer,               -- PING_LOG_LIMIT
  p_sched_kinds text[],
  p_sched_exprs text[],
  p_sched_tzs text[],
  p_sched_nexts timestamptz[]
)
returns table (o_ordinal integer, o_outcome text, o_kind text, o_schedule text, o_tz text)
language plpgsql
-- The statements below take their arrays as parameters; a plan specialised to each batch would
-- be made again for every call, costing more than running the generic one.
set plan_cache_mode = force_generic_plan
as $$
declare
  v_check_ids integer[];
  v_outcomes text[];
  -- The round each ping is applied in (0: not applied). Round k holds the k-th ping of each
  -- check, so that every check is updated once per statement and sees the previous round.
  v_rounds integer[];
  v_round_count integer;
  v_unapplied integer;
  v_slug_ids integer[] := '{}';
  v_ids integer[];
  v_locked integer[];
  v_expected integer;
  v_applied integer;
  v_created record;
  r record;
begin
  -- 1. The checks of the UUID pings, locked in id order (so that concurrent batches cannot
  -- deadlock), and what becomes of each ping. Slug pings are 'not found' here; step 2 finds them.
  -- This bookkeeping is done in SQL rather than in PL/pgSQL loops: every PL/pgSQL expression
  -- costs a set-up in each transaction, and each batch is a transaction.
  select array_agg(p.check_id order by p.ordinal),
         array_agg(p.outcome order by p.ordinal),
         array_agg(p.round order by p.ordinal),
         coalesce(max(p.round), 0),
         count(*) filter (where p.round = 0)
    into v_check_ids, v_outcomes, v_rounds, v_round_count, v_unapplied
    from (select q.ordinal, q.check_id,
                 case when q.check_id is null then 'not found' else coalesce(q.request_error, 'OK') end as outcome,
                 case when q.check_id is null or q.request_error is not null then 0
                      else count(*) filter (where q.request_error is null)
                             over (partition by q.check_id order by q.ordinal rows unbounded preceding)
                 end::integer as round
            from (select u.ordinal, l.id as check_id, u.request_error
                    from unnest(p_codes, p_request_errors) with ordinality as u(code, request_error, ordinal)
                    left join (select checks.id, checks.code
                                 from checks
                                where checks.code = any(p_codes)
                                order by checks.id
                                  for no key update) as l on l.code = u.code) as q) as p;

  -- 2. Slug pings (rarer), in (ping key, slug) order so that concurrent auto-provisionings lock
  -- projects in the same order; their checks are locked afterwards, then the rounds redone.
  -- (Two batches that ping the same checks, one by UUID and the other by slug, can deadlock:
  -- PostgreSQL detects it and the batcher retries the batch it aborts.)
  if cardinality(array_remove(p_ping_keys, null)) > 0 then
    for r in
      select u.ordinal::integer as ordinal, u.ping_key, u.slug, u.wants_create,
             (select array_agg(m.id)
                from (select checks.id
                        from checks
                        join projects on projects.id = checks.project_id
                       where projects.ping_key = u.ping_key
                         and checks.slug = u.slug
                       limit 2) as m) as ids
        from unnest(p_ping_keys, p_slugs, p_creates) with ordinality as u(ping_key, slug, wants_create, ordinal)
       where u.ping_key is not null
       order by u.ping_key, u.slug, u.ordinal
    loop
      v_ids := r.ids;
      if v_ids is null and cardinality(v_slug_ids) > 0 then
        -- An earlier ping of this batch may have created it: look again, as a ping coming
        -- alone after that one would.
        select array_agg(m.id) into v_ids
          from (select checks.id
                  from checks
                  join projects on projects.id = checks.project_id
                 where projects.ping_key = r.ping_key
                   and checks.slug = r.slug
                 limit 2) as m;
      end if;
      if cardinality(v_ids) > 1 then
        v_outcomes[r.ordinal] := 'ambiguous slug';
      elsif v_ids is not null then
        v_check_ids[r.ordinal] := v_ids[1];
        v_outcomes[r.ordinal] := 'OK';
      elsif r.wants_create then
        select * into v_created from cw_provision_check(r.ping_key, r.slug, p_create_limit);
        v_check_ids[r.ordinal] := v_created.o_check_id;
        v_outcomes[r.ordinal] := v_created.o_outcome;
      end if;
      if v_check_ids[r.ordinal] is not null then
        v_slug_ids := v_slug_ids || v_check_ids[r.ordinal];
        if p_request_errors[r.ordinal] is not null then
          v_outcomes[r.ordinal] := p_request_errors[r.ordinal]; -- an auto-provisioned check is kept
        end if;
      end if;
    end loop;
    -- A check deleted since it was looked up is not found after all.
    select coalesce(array_agg(l.id), '{}') into v_locked
      from (select checks.id from checks where checks.id = any(v_slug_ids) order by checks.id for no key update) as l;
    select array_agg(case when p.check_id = any(v_locked) or p_ping_keys[p.ordinal] is null then p.check_id end order by p.ordinal),
           array_agg(case when p_ping_keys[p.ordinal] is not null and not coalesce(p.check_id = any(v_locked), false)
                            and p.outcome in ('OK', 'Created') then 'not found' else p.outcome end order by p.ordinal)
      into v_check_ids, v_outcomes
      from unnest(v_check_ids, v_outcomes) with ordinality as p(check_id, outcome, ordinal);
    select array_agg(coalesce(t.round, 0)::integer order by u.ordinal), coalesce(max(t.round), 0), count(*) filter (where t.round is null)
      into v_rounds, v_round_count, v_unapplied
      from unnest(v_check_ids) with ordinality as u(check_id, ordinal)
      left join (select a.ordinal, row_number() over (partition by a.check_id order by a.ordinal) as round
                   from unnest(v_check_ids, v_outcomes) with ordinality as a(check_id, outcome, ordinal)
                  where a.check_id is not null and a.outcome in ('OK', 'Created')) as t on t.ordinal = u.ordinal;
  end if;

  -- 3. Apply the pings, one round at a time, and answer for them.
  for v_round in 1 .. v_round_count loop
    v_expected := cardinality(array_positions(v_rounds, v_round));

    return query
      with x as (
        -- This round's pings, with their request fields.
        select t.ordinal, t.check_id, req.action, req.exit_status, req.rid, req.pinged_at, req.remote_addr, req.scheme,
               req.method, req.ua, req.body, req.has_confirmation_link, req.sched_kind, req.sched_expr, req.sched_tz,
               req.sched_next
          from unnest(v_check_ids, v_rounds) with ordinality as t(check_id, round, ordinal)
          join unnest(p_actions, p_exit_statuses, p_rids, p_nows, p_remote_addrs, p_schemes, p_methods, p_uas, p_bodies,
                      p_has_confirmation_links, p_sched_kinds, p_sched_exprs, p_sched_tzs, p_sched_nexts)
               with ordinality as req(action, exit_status, rid, pinged_at, remote_addr, scheme, method, ua, body,
                                    has_confirmation_link, sched_kind, sched_expr, sched_tz, sched_next, ordinal)
            on req.ordinal = t.ordinal
         where t.round = v_round
      ),
      c as (
        -- What the ping means for this check (views.ping, then the top of Check.ping): a paused
        -- check with manual resume ignores everything; methods=POST ignores other methods; with
        -- HTTP body filtering the keywords decide, overriding /start, /fail, /log and exit codes.
        select x.*, checks.status as old_status, checks.kind, checks.schedule, checks.tz,
               checks.timeout_seconds, checks.grace_seconds, checks.last_ping, checks.last_start,
               checks.last_start_rid, checks.last_duration_ms, checks.alert_after,
               case
                 when checks.status = 'paused' and checks.manual_resume then 'ign'
                 when checks.methods = 'POST' and x.method <> 'POST' then 'ign'
                 when not checks.filter_http_body then x.action
                 when checks.failure_kw <> '' and cw_match_keywords(coalesce(x.body, ''), checks.failure_kw) then 'fail'
                 when checks.success_kw <> '' and cw_match_keywords(coalesce(x.body, ''), checks.success_kw) then 'success'
                 when checks.start_kw <> '' and cw_match_keywords(coalesce(x.body, ''), checks.start_kw) then 'start'
                 when checks.filter_default_fail then 'fail'
                 else 'ign'
               end as event
          from x
          join checks on checks.id = x.check_id
      ),
      t as (
        -- The transition (Check.ping). A start sets last_start and its run id. A success or a
        -- failure sets last_ping; it ends the running start, measuring it, when the run ids
        -- match (null = null); a failure, or a success without run id, ends it unmeasured; a
        -- success with another run id leaves the latest run's timer running.
        select c.*,
               c.event in ('success', 'fail') as ends,
               case c.event when 'fail' then 'down' when 'success' then 'up' else c.old_status end as new_status,
               case when c.event in ('success', 'fail') then c.pinged_at else c.last_ping end as new_last_ping,
               case
                 when c.event = 'start' then c.pinged_at
                 when c.event in ('success', 'fail') and (c.last_start_rid is not distinct from c.rid or c.event = 'fail' or c.rid is null) then null
                 else c.last_start
               end as new_last_start,
               case when c.event = 'start' then c.rid else c.last_start_rid end as new_last_start_rid,
               case
                 when c.event not in ('success', 'fail') then c.last_duration_ms
                 when c.last_start is not null and c.last_start_rid is not distinct from c.rid
                   then round(extract(epoch from c.pinged_at - c.last_start) * 1000)::bigint
               end as new_last_duration_ms
          from c
      ),
      a as (
        select t.*,
               -- alert_after = going_down_after() of the new state (core/status.ts goesDownAt);
               -- least() skips nulls, as min() over Healthchecks' NEVER does.
               case
                 when t.kind = 'simple' then
                   least(case when t.new_status = 'up' then t.new_last_ping + make_interval(secs => t.timeout_seconds) end,
                         case when t.new_status <> 'down' then t.new_last_start end)
                   + make_interval(secs => t.grace_seconds)
                 when t.ends then
                   case when t.new_status = 'up' then
                     least(case when t.kind = t.sched_kind and t.schedule = t.sched_expr and t.tz = t.sched_tz then t.sched_next else t.pinged_at end,
                           t.new_last_start)
                     + make_interval(secs => t.grace_seconds)
                   end
                 when t.event = 'start' then
                   case t.new_status
                     when 'down' then null
                     when 'up' then least(t.alert_after, t.pinged_at + make_interval(secs => t.grace_seconds))
                     else t.pinged_at + make_interval(secs => t.grace_seconds)
                   end
                 else t.alert_after
               end as new_alert_after,
               -- This ping's duration as Healthchecks computes it when it reads the log
               -- (Ping.duration, prepare_durations): the time since the latest earlier start with
               -- the same run id (null = null), unless a success or failure with that run id came
               -- in between or the start is 72 hours old or older. Stored now, so reading the log
               -- costs nothing. One probe of pings_run_events (filtering by time after the probe
               -- equals Healthchecks' filtering before its scan, since n grows with time).
               case when t.ends then
                 case when t.rid is null then
                   (select case when p.kind = 'start' and p.created_at > t.pinged_at - interval '72 hours'
                                then round(extract(epoch from t.pinged_at - p.created_at) * 1000)::bigint end
                      from pings as p
                     where p.check_id = t.check_id and p.rid is null and p.kind in ('start', 'success', 'fail')
                     order by p.n desc
                     limit 1)
                 else
                   (select case when p.kind = 'start' and p.created_at > t.pinged_at - interval '72 hours'
                                then round(extract(epoch from t.pinged_at - p.created_at) * 1000)::bigint end
                      from pings as p
                     where p.check_id = t.check_id and p.rid = t.rid and p.kind in ('start', 'success', 'fail')
                     order by p.n desc
                     limit 1)
                 end
               end as duration_ms
          from t
      ),
      updated as (
        update checks
           set status = a.new_status,
               last_ping = a.new_last_ping,
               last_start = a.new_last_start,
               last_start_rid = a.new_last_start_rid,
               last_duration_ms = a.new_last_duration_ms,
               -- Only ever earlier (or cleared): a ping that would move the deadline later leaves
               -- it, so the common success ping changes no indexed column and the update is HOT
               -- (no new entry in any of the table's indexes). The deadline is then early, as the
               -- schema allows: when it passes, the alert engine finds the check up and stores
               -- the exact one (core/status.ts goesDownAt), once per period instead of per ping.
               alert_after = case when a.new_alert_after is not null then least(checks.alert_after, a.new_alert_after) end,
               has_confirmation_link = a.has_confirmation_link,
               n_pings = checks.n_pings + 1
          from a
         where checks.id = a.check_id
        returning checks.id, checks.n_pings
      ),
      flipped as (
        -- A changed status is a flip, unprocessed so that the alert engine picks it up.
        insert into flips (check_id, created_at, old_status, new_status, reason)
        select a.check_id, a.pinged_at, a.old_status, a.new_status, case when a.event = 'fail' then 'fail' else '' end
          from a
         where a.new_status <> a.old_status
      ),
      logged as (
        insert into pings (check_id, n, created_at, kind, scheme, remote_addr, method, ua, body, rid, exit_status, duration_ms)
        select a.check_id, updated.n_pings, a.pinged_at, a.event, a.scheme, a.remote_addr, a.method, a.ua, a.body, a.rid,
               a.exit_status, a.duration_ms
          from a
          join updated on updated.id = a.check_id
      ),
      pruned as (
        -- Every 100th ping of a check, as Healthchecks does, drop the pings beyond the log limit.
        delete from pings
         using updated
         where updated.n_pings % 100 = 0
           and pings.check_id = updated.id
           and pings.n <= updated.n_pings - p_log_limit
      ),
      pruned_flips as (
        -- ...and its processed flips older than both the oldest ping kept and 93 days (downtime
        -- reports need this month and the two before). Unprocessed flips are never touched.
        delete from flips
         using updated, a
         where updated.n_pings % 100 = 0
           and a.check_id = updated.id
           and flips.check_id = updated.id
           and flips.processed_at is not null
           and flips.created_at < least(
                 (select p.created_at from pings as p
                   where p.check_id = updated.id and p.n > updated.n_pings - p_log_limit
                   order by p.n limit 1),
                 a.pinged_at - interval '93 days')
      )
      select a.ordinal::integer, v_outcomes[a.ordinal], a.kind, a.schedule, a.tz
        from a
        join updated on updated.id = a.check_id;
    get diagnostics v_applied = row_count;
    if v_applied <> v_expected then
      raise exception 'cw_ping: % of % pings applied in round %', v_applied, v_expected, v_round;
    end if;
  end loop;

  -- 4. The pings that were not applied.
  if v_unapplied > 0 then
    return query
      select p.ordinal::integer, p.outcome, null::text, null::text, null::text
        from unnest(v_outcomes, v_rounds) with ordinality as p(outcome, round, ordinal)
       where p.round = 0;
  end if;
end;
$$;
