"""After a load run: what was acknowledged is looked up in the database, and the tasks queued
during the run are counted against their effects. Read straight from PostgreSQL (DATABASE_URL),
not through the app, so the app's own errors cannot hide a loss.

- diary entries and shipments: found by the marker each carried (stage name, delivery note);
- approvals: the order approved, and one approval audit row per order (two would be a double);
- captured events: one event row per acknowledged eventID;
- tasks: each capture job finished with its events stored once; each approved order's stamp
  task made exactly `quantity` stamps and its files once (READY); task rows by status, and how
  many were picked up by more than one worker run (a worker killed mid-task) — those are the
  ones whose effects must not show twice.
"""

import time

APPROVED = ("generating", "ready")


def _count_by(conn, sql, values):
    return dict(conn.execute(sql, [values]).fetchall()) if values else {}


def lookups(conn, acked):
    """{kind: (acknowledged, {value: rows found})}"""
    found = {
        "diary": _count_by(
            conn,
            "SELECT stage_name, count(*) FROM tracing_diaryentry"
            " WHERE stage_name = ANY(%s) GROUP BY 1",
            acked.get("diary", []),
        ),
        "shipment": _count_by(
            conn,
            "SELECT delivery_note_no, count(*) FROM tracing_shipment"
            " WHERE delivery_note_no = ANY(%s) GROUP BY 1",
            acked.get("shipment", []),
        ),
        "capture": _count_by(
            conn,
            "SELECT event_id, count(*) FROM tracing_event WHERE event_id = ANY(%s) GROUP BY 1",
            acked.get("capture", []),
        ),
        "approve": _count_by(
            conn,
            "SELECT o.id, count(a.id) FROM stamps_printorder o"
            " JOIN audit_auditentry a ON a.object_id = o.id::text"
            "  AND a.action = 'stamps.order_approve'"
            " WHERE o.id = ANY(%s) AND o.state = ANY(ARRAY['generating', 'ready'])"
            " GROUP BY 1",
            acked.get("approve", []),
        ),
    }
    return {kind: (acked.get(kind, []), found[kind]) for kind in found}


def drain(conn, acked, seconds):
    """Wait (bounded) until the task worker has finished what the run queued."""
    deadline = time.monotonic() + seconds
    while True:
        jobs, orders = conn.execute(
            "SELECT (SELECT count(*) FROM epcis_capturejob WHERE running),"
            " (SELECT count(*) FROM stamps_printorder"
            "  WHERE id = ANY(%s) AND state = 'generating')",
            [acked.get("approve", [])],
        ).fetchone()
        if (jobs == 0 and orders == 0) or time.monotonic() > deadline:
            return jobs, orders
        time.sleep(1)


def task_effects(conn, acked, since):
    orders = acked.get("approve", [])
    rows = conn.execute(
        "SELECT o.state, o.quantity, (SELECT count(*) FROM stamps_stamp s WHERE s.order_id = o.id),"
        " o.pdf <> '' FROM stamps_printorder o WHERE o.id = ANY(%s)",
        [orders],
    ).fetchall()
    stamps = {
        "orders": len(rows),
        "ready": sum(1 for state, *_ in rows if state == "ready"),
        "exact": sum(1 for _s, q, n, _f in rows if n == q),
        "extra": sum(1 for _s, q, n, _f in rows if n > q),
        "short": sum(1 for _s, q, n, _f in rows if n < q),
    }
    jobs = conn.execute(
        "SELECT count(*), count(*) FILTER (WHERE running), count(*) FILTER (WHERE NOT success)"
        " FROM epcis_capturejob WHERE created_at >= %s",
        [since],
    ).fetchone()
    tasks = dict(
        conn.execute(
            "SELECT status, count(*) FROM django_tasks_database_dbtaskresult"
            " WHERE enqueued_at >= %s GROUP BY 1",
            [since],
        ).fetchall()
    )
    rerun = conn.execute(
        "SELECT task_path, count(*) FROM django_tasks_database_dbtaskresult"
        " WHERE coalesce(finished_at, now()) >= %s AND jsonb_array_length(worker_ids) > 1"
        " GROUP BY 1",
        [since],
    ).fetchall()
    return stamps, jobs, tasks, rerun


def db_now(database_url):
    import psycopg

    with psycopg.connect(database_url) as conn:
        return conn.execute("SELECT now()").fetchone()[0]


def report(acked, database_url, drain_seconds, since):
    """Print the checks; True when something was lost, doubled, or left undone."""
    import psycopg

    failed = False
    with psycopg.connect(database_url, autocommit=True) as conn:
        # First the queue: a capture answered 202 at the end of the run is stored by the task
        # worker afterwards, and looked up before that it would count as lost.
        started = time.monotonic()
        jobs_left, orders_left = drain(conn, acked, drain_seconds)
        print(
            f"task worker drained the run's queue in {time.monotonic() - started:.0f} s"
            + (
                f" (NOT drained after {drain_seconds} s: {jobs_left} capture jobs,"
                f" {orders_left} orders still waiting)"
                if jobs_left or orders_left
                else ""
            )
        )
        failed |= bool(jobs_left or orders_left)
        for kind, (values, found) in lookups(conn, acked).items():
            lost = [v for v in values if v not in found]
            doubled = [v for v, n in found.items() if n > 1]
            failed |= bool(lost or doubled)
            print(
                f"acknowledged {kind:<9} {len(values):>5}, found {len(values) - len(lost):>5},"
                f" lost {len(lost)}, duplicated {len(doubled)}"
                + (f" e.g. {lost[:3]}" if lost else "")
            )
        stamps, jobs, tasks, rerun = task_effects(conn, acked, since)
        print(
            f"tasks queued in the run, by status: {dict(sorted(tasks.items()))};"
            f" picked up by more than one worker run: {dict(rerun) or 'none'}"
        )
        print(
            f"  capture jobs: {jobs[0]}, still running {jobs[1]}, refused {jobs[2]};"
            " events stored once per acknowledged eventID (above)"
        )
        print(
            f"  stamp orders approved: {stamps['orders']}, READY {stamps['ready']},"
            f" exactly their quantity of stamps {stamps['exact']}, more {stamps['extra']},"
            f" fewer {stamps['short']}"
        )
        failed |= bool(stamps["extra"] or stamps["short"] or stamps["ready"] < stamps["orders"])
    return failed
