"""Benchmark the DOST dashboard over a province-sized dataset on PostgreSQL.

    .venv/bin/python bench/reports.py [--scale 1.0] [--samples 40]

Generates, with INSERT ... SELECT generate_series (no Python loop over rows), at --scale 1:
10,000 businesses in 50 communes, 100,000 products, 1,000,000 lots with one event each,
10,000 print orders with 1,000,000 activated stamps, and 10,000,000 scans over the last year.
Then rewrites the dashboards' daily tallies (timed), and requests the DOST dashboard
(/manage/reports/, the whole page: figures, charts and tables) --samples times, printing its p95
beside a plain `SELECT count(*) FROM stamps_scan` timed in the same run: the baseline a
dashboard counting scans directly would pay for only one of its figures.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from pg import temp_cluster  # noqa: E402

COMMUNES = 50
DEPARTMENTS = 3


def main():
    args = _parse_args()
    with temp_cluster() as url:
        os.environ["DATABASE_URL"] = url
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "txng.settings")
        os.environ.setdefault("SECRET_KEY", "bench-only")
        os.environ.setdefault("DEBUG", "0")
        os.environ.setdefault("ALLOWED_HOSTS", "testserver")
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        call_command("createcachetable", verbosity=0)
        sizes = {
            "businesses": int(10_000 * args.scale),
            "products": int(100_000 * args.scale),
            "lots": int(1_000_000 * args.scale),
            "orders": int(10_000 * args.scale),
            "stamps": int(1_000_000 * args.scale),
            "scans": int(10_000_000 * args.scale),
        }
        started = time.perf_counter()
        _load(sizes)
        print(
            "loaded "
            + ", ".join(f"{n:,} {what}" for what, n in sizes.items())
            + f" in {time.perf_counter() - started:.0f} s"
        )
        from txng.reports import tallies

        started = time.perf_counter()
        rows = tallies.refresh(full=True)
        print(f"tallies: {rows:,} rows written in {time.perf_counter() - started:.1f} s (full)")
        started = time.perf_counter()
        tallies.refresh()
        print(f"tallies: incremental refresh (last day) in {time.perf_counter() - started:.2f} s")
        _measure(args)


def _parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--samples", type=int, default=40)
    return parser.parse_args()


def _exec(sql, params=None):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _load(n):
    from django.db import connection

    from txng.accounts.models import Organisation, User

    # Loading, not serving: no per-row foreign key triggers (the bench's own cluster, whose
    # user is its superuser), and the big tables' indexes built once after their rows.
    _exec("SET session_replication_role = replica")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN "
            "('stamps_scan', 'tracing_event', 'tracing_lot', 'stamps_stamp') "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint)"
        )
        indexes = cursor.fetchall()
    for name, _definition in indexes:
        _exec(f'DROP INDEX IF EXISTS "{name}"')

    now = "now()"
    dost = Organisation.objects.create(kind="dost", name="Sở KH&CN")
    User.objects.create(username="bench-dost", organisation=dost, role="head")
    org_cols = (
        "kind, name, short_name, business_type, tax_code, address, phone, email, "
        "representative, status, status_reason, created_at, updated_at"
    )
    _exec(
        f"INSERT INTO accounts_organisation ({org_cols}) SELECT 'department', 'Sở ' || i, "
        f"'', '', '', '', '', '', '', 'active', '', {now}, {now} "
        f"FROM generate_series(1, {DEPARTMENTS}) i"
    )
    _exec(
        f"INSERT INTO accounts_organisation ({org_cols}) SELECT 'commune', 'Xã ' || i, "
        f"'', '', '', '', '', '', '', 'active', '', {now}, {now} "
        f"FROM generate_series(1, {COMMUNES}) i"
    )
    _exec(
        f"INSERT INTO accounts_organisation ({org_cols}, commune_id) "
        f"SELECT 'business', 'Cơ sở ' || i, '', "
        f"(ARRAY['enterprise','cooperative','household'])[1 + i % 3], '', 'Thôn ' || i, '', '', "
        f"'', CASE WHEN i % 100 = 0 THEN 'locked' ELSE 'active' END, '', "
        f"{now} - (i % 700) * interval '1 day', {now}, "
        f"(SELECT min(id) FROM accounts_organisation WHERE kind = 'commune') + i % {COMMUNES} "
        f"FROM generate_series(1, {n['businesses']}) i"
    )
    _exec(
        f"INSERT INTO accounts_organisation_managers (from_organisation_id, to_organisation_id) "
        f"SELECT b.id, b.commune_id FROM accounts_organisation b WHERE b.kind = 'business' "
        f"UNION ALL SELECT b.id, d.min + b.id % {DEPARTMENTS} FROM accounts_organisation b, "
        f"(SELECT min(id) FROM accounts_organisation WHERE kind = 'department') d "
        f"WHERE b.kind = 'business'"
    )
    first_biz = "(SELECT min(id) FROM accounts_organisation WHERE kind = 'business')"
    _exec(
        f"INSERT INTO catalog_product (business_id, name, slug, gtin, description, brand, unit, "
        f"net_content, ingredients, standards, shelf_life, storage, state, withdrawn_reason, "
        f"featured, search_text, created_at, updated_at) "
        f"SELECT b.first + i % {n['businesses']}, 'Sản phẩm ' || i, 'sp-' || i, "
        "'', '', '', '', '', '', '', '', "
        f"'', CASE WHEN i % 20 = 0 THEN 'withdrawn' WHEN i % 7 = 0 THEN 'draft' "
        f"ELSE 'published' END, CASE WHEN i % 20 = 0 THEN 'Gỡ' ELSE '' END, "
        "false, '', now(), now() "
        f"FROM generate_series(0, {n['products'] - 1}) i, (SELECT {first_biz} AS first) b"
    )
    first_product = "(SELECT min(id) FROM catalog_product)"
    _exec(
        f"INSERT INTO tracing_lot (business_id, product_id, code, created_at, kind, unit, status, "
        f"trace_code, supplier_name, supplier_lot, origin, produced, received, shipped, returned, "
        f"consumed, destroyed, adjusted, in_stock, updated_at) "
        f"SELECT p.business_id, p.id, 'L' || i, now() - (i % 365) * interval '1 day' "
        f"- (i % 1440) * interval '1 minute', 'product', 'kg', 'finished', 'VN.B.' || i, '', '', "
        f"'', 100, 0, 0, 0, 0, 0, 0, 100, now() "
        f"FROM generate_series(0, {n['lots'] - 1}) i "
        f"JOIN catalog_product p ON p.id = {first_product} + i % {n['products']}"
    )
    _exec(
        "INSERT INTO tracing_event (event_id, type, action, biz_step, disposition, event_time, "
        "event_time_zone_offset, record_time, read_point, biz_location, business_id, title, "
        "public_detail, document) "
        "SELECT 'ev-' || l.id, 'ObjectEvent', 'ADD', 'commissioning', 'active', l.created_at, "
        "'+07:00', l.created_at, '', '', l.business_id, 'Sản xuất', '', '{}'::jsonb "
        "FROM tracing_lot l"
    )
    _exec(
        f"INSERT INTO stamps_printorder (business_id, product_id, quantity, size_mm, show_name, "
        f"show_code, logo, layout, url_kind, state, note, reason, generated, files_done, pdf, "
        f"csv, zip, created_at, updated_at) "
        f"SELECT p.business_id, p.id, 100, 25, true, true, '', 'a4', 'short', 'ready', '', '', "
        f"100, 100, '', '', '', now() - (i % 365) * interval '1 day', now() "
        f"FROM generate_series(0, {n['orders'] - 1}) i "
        f"JOIN catalog_product p ON p.id = {first_product} + i * 7 % {n['products']}"
    )
    _exec(
        f"INSERT INTO stamps_stamp (order_id, serial, code, state, void_reason, scan_count, "
        f"activated_at, lot_id) "
        f"SELECT o.first + i % {n['orders']}, i, 'S' || i, 'activated', '', 0, "
        f"now() - (i % 365) * interval '1 day', l.first + i % {n['lots']} "
        f"FROM generate_series(0, {n['stamps'] - 1}) i, "
        f"(SELECT min(id) AS first FROM stamps_printorder) o, "
        f"(SELECT min(id) AS first FROM tracing_lot) l"
    )
    _exec(
        f"INSERT INTO stamps_scan (at, code, result, ip_hash, ua_family, province, counted, "
        f"business_id, product_id) "
        "SELECT now() - random() * interval '365 days', "
        f"'S' || (i % {n['stamps']}), 'ok', '', '', '', "
        f"i % 10 <> 0, b.first + i % {n['businesses']}, NULL "
        f"FROM generate_series(0, {n['scans'] - 1}) i, (SELECT {first_biz} AS first) b"
    )
    for _name, definition in indexes:
        _exec(definition)
    _exec("SET session_replication_role = origin")
    connection.ensure_connection()
    raw = connection.connection
    autocommit = raw.autocommit
    raw.autocommit = True
    with raw.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    raw.autocommit = autocommit


def _p95(values):
    values = sorted(values)
    return values[max(0, int(round(0.95 * len(values))) - 1)]


def _measure(args):
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    # The bench signs in with force_login, without an authenticator app.
    settings.OFFICIALS_REQUIRE_2FA = False

    from txng.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username="bench-dost"))
    client.get("/manage/reports/", secure=True)  # warm: templates, the first connection
    page, count = [], []
    for _ in range(args.samples):
        started = time.perf_counter()
        response = client.get("/manage/reports/", secure=True)
        page.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM stamps_scan")
            total = cursor.fetchone()[0]
        count.append(time.perf_counter() - started)
    html = response.content.decode()
    print(f"scans in the table: {total:,}; charts on the page: {html.count('<svg')}")
    print(
        f"DOST dashboard (whole page, {args.samples} requests): "
        f"p50 {statistics.median(page) * 1000:.0f} ms, p95 {_p95(page) * 1000:.0f} ms"
    )
    print(
        f"baseline SELECT count(*) FROM stamps_scan: "
        f"p50 {statistics.median(count) * 1000:.0f} ms, p95 {_p95(count) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
