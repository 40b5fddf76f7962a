"""Benchmark the trace walk: one recursive CTE against a per-node ORM walk, on PostgreSQL.

    .venv/bin/python bench/trace.py [--lots 1000000] [--fan-in 3.4] [--cluster 30] [--samples 300]

Builds a layered supply graph with COPY: --lots lots in 10 stages (grower → ... → shop); each lot
after the first stage has on average --fan-in parent lots, drawn from the previous stage within a
group of --cluster lots (a supply chain's partners), so chains are 10 deep and cross-link. Then
times backward+forward trace to depth 10 from random lots, and the same walk done node by node
with the ORM (the baseline), on the same lots in the same run.
"""

import argparse
import io
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from pg import temp_cluster  # noqa: E402

STAGES = 10
STAMP = "\t2026-01-01 00:00:00+00" * 2 + "\n"


def main():
    args = _parse_args()
    with temp_cluster() as url:
        os.environ["DATABASE_URL"] = url
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "txng.settings")
        os.environ.setdefault("SECRET_KEY", "bench-only")
        os.environ.setdefault("DEBUG", "0")
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        n_links = _load(args)
        print(
            f"loaded {args.lots} lots and {n_links} links in {time.perf_counter() - started:.0f} s"
        )
        _measure(args)


def _parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lots", type=int, default=1_000_000)
    parser.add_argument("--fan-in", type=float, default=3.4)
    parser.add_argument("--cluster", type=int, default=30)
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--orm-samples", type=int, default=60)
    parser.add_argument("--depth", type=int, default=10)
    return parser.parse_args()


def _load(args):
    from django.db import connection

    from txng.accounts.models import Organisation
    from txng.catalog.models import Product

    business = Organisation.objects.create(kind="business", business_type="enterprise", name="B")
    product = Product.objects.create(business=business, name="P")
    per_stage = args.lots // STAGES
    rng = random.Random(20261124)
    raw = connection.connection  # psycopg 3 connection
    lot_cols = (
        "id, business_id, product_id, code, trace_code, kind, unit, status, supplier_name, "
        "supplier_lot, origin, produced, received, shipped, returned, consumed, destroyed, "
        "adjusted, in_stock, created_at, updated_at"
    )
    with raw.cursor() as cur:
        with cur.copy(f"COPY tracing_lot ({lot_cols}) FROM STDIN") as copy:
            buf = io.StringIO()
            for i in range(1, per_stage * STAGES + 1):
                buf.write(
                    f"{i}\t{business.pk}\t{product.pk}\tL{i}\tVN.B.{i}\tproduct\tkg\tfinished"
                    "\t\t\t\t0\t0\t0\t0\t0\t0\t0\t0" + STAMP
                )
                if i % 100_000 == 0:
                    copy.write(buf.getvalue())
                    buf = io.StringIO()
            copy.write(buf.getvalue())
        cur.execute("SELECT setval('tracing_lot_id_seq', %s)", [per_stage * STAGES])
        n_links = 0
        with cur.copy("COPY tracing_lotlink (parent_id, child_id, kind) FROM STDIN") as copy:
            buf = io.StringIO()
            for stage in range(1, STAGES):
                for k in range(per_stage):
                    child = stage * per_stage + k + 1
                    group = (k // args.cluster) * args.cluster
                    size = min(args.cluster, per_stage - group)
                    fan = int(args.fan_in) + (rng.random() < args.fan_in % 1)
                    for p in rng.sample(range(size), min(fan, size)):
                        parent = (stage - 1) * per_stage + group + p + 1
                        buf.write(f"{parent}\t{child}\ttransform\n")
                        n_links += 1
                if buf.tell() > 20_000_000 or stage == STAGES - 1:
                    copy.write(buf.getvalue())
                    buf = io.StringIO()
        cur.execute("ANALYZE tracing_lot")
        cur.execute("ANALYZE tracing_lotlink")
    raw.commit() if not raw.autocommit else None
    return n_links


def _orm_walk(lot_id, depth):
    """The naive walk: one ORM query per lot visited, each direction."""
    from txng.tracing.models import LotLink

    seen = {"back": {lot_id: 0}, "fwd": {lot_id: 0}}
    for side, here, there in (("back", "child_id", "parent_id"), ("fwd", "parent_id", "child_id")):
        frontier = [lot_id]
        for step in range(1, depth + 1):
            nxt = []
            for node in frontier:
                for other in LotLink.objects.filter(**{here: node}).values_list(there, flat=True):
                    if other not in seen[side]:
                        seen[side][other] = step
                        nxt.append(other)
            frontier = nxt
    return seen


def _pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def _measure(args):
    from django.db import connection

    from txng.tracing.queries import trace

    with connection.cursor() as cur:
        cur.execute("SELECT max(id) FROM tracing_lot")
        top = cur.fetchone()[0]
    rng = random.Random(7)
    sample = [rng.randint(1, top) for _ in range(args.samples)]
    for lot_id in sample[:20]:  # warm the cache as a running server would be
        trace([lot_id], "both", depth=args.depth)
    cte, sizes = [], []
    for lot_id in sample:
        t = time.perf_counter()
        result = trace([lot_id], "both", depth=args.depth)
        cte.append((time.perf_counter() - t) * 1000)
        sizes.append(len(result.lot_ids))
    orm, agree = [], 0
    for lot_id in sample[: args.orm_samples]:
        t = time.perf_counter()
        walked = _orm_walk(lot_id, args.depth)
        orm.append((time.perf_counter() - t) * 1000)
        result = trace([lot_id], "both", depth=args.depth)
        agree += walked["back"] == result.back and walked["fwd"] == result.forward
    n = args.orm_samples
    print(f"traced lots per query: median {statistics.median(sizes):.0f}, max {max(sizes)}")
    print(f"{'method':<28}{'p50 ms':>10}{'p95 ms':>10}{'n':>6}")
    label = "recursive CTE (1 query)"
    print(f"{label:<28}{_pct(cte, 0.5):>10.2f}{_pct(cte, 0.95):>10.2f}{len(cte):>6}")
    print(f"{'ORM walk (query per lot)':<28}{_pct(orm, 0.5):>10.2f}{_pct(orm, 0.95):>10.2f}{n:>6}")
    same = cte[:n]
    print(
        f"speed-up on the same {n} lots: p50 {_pct(orm, 0.5) / _pct(same, 0.5):.0f}x, "
        f"p95 {_pct(orm, 0.95) / _pct(same, 0.95):.0f}x; results identical: {agree}/{n}"
    )
    ok = _pct(cte, 0.95) < 50 and _pct(orm, 0.5) / _pct(same, 0.5) >= 20
    print("goal (p95 < 50 ms and >= 20x the walk):", "met" if ok else "NOT met")


if __name__ == "__main__":
    main()
