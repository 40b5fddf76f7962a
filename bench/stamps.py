"""Benchmark stamp printing: write_pdf time against zxing-cpp's raw QR encoding, and memory.

    .venv/bin/python bench/stamps.py [--n 100000] [--workers 2] [--size 25] [--layout a4]

The baseline is the compiled encoder alone (``zxingcpp.create_barcode`` at level M) over the
same URLs in one process; the goal is write_pdf <= 1.5x that, in wall-clock time.
``--workers 1,2`` times write_pdf with each pool size. CPU seconds (the writing process and
its pool together, against the encoder's own) are printed too: on a shared machine they say
how much work was done when the wall clock mostly says how busy the machine was.

Each write_pdf run is a fresh subprocess so its peak RSS (getrusage) is its own, for the
process writing the file and for the largest pool process;
items are read lazily from a file of codes, so RSS shows what write_pdf itself holds. A flat
RSS from --n/10 to --n stamps means memory does not grow with the batch. The projection to a
million stamps adds the marginal cost per stamp between the two batch sizes to the small run,
so the pool's start-up is counted once. The machine may be shared: the load average before
and after each run is printed beside it.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import zxingcpp  # noqa: E402

from txng.stamps.codes import new_code  # noqa: E402
from txng.stamps.printing import (  # noqa: E402
    QR_ERROR_LEVEL,
    PrintItem,
    Template,
    usable_cores,
    write_pdf,
)

BASE_URL = "https://truyxuatnguongoc.caobang.gov.vn/q/"
MILLION = 1_000_000


def main() -> None:
    args = _parse_args()
    if args.child:
        _child(args)
        return
    small = max(args.n // 10, 1)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        codes_path = Path(tmp) / "codes.txt"
        codes_path.write_text("".join(new_code() + "\n" for _ in range(args.n)))
        print(f"{args.n} codes written; timing zxing-cpp's raw encode ...", flush=True)
        load = os.getloadavg()[0]
        encode, encode_cpu = _time_encode(codes_path, small)
        print(f"  raw encode: {encode[args.n]:.1f} s (load {load:.1f})", flush=True)
        rows.append(("-", "imports only", _run_child(args, codes_path, 0, 1, tmp), None))
        for workers in args.workers:
            for n in (small, args.n):
                print(f"write_pdf for {n} stamps, {workers} process(es) ...", flush=True)
                rows.append((workers, str(n), _run_child(args, codes_path, n, workers, tmp), n))
    _print_table(args, rows, encode, encode_cpu, small)


def _parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="stamps in the large run")
    parser.add_argument(
        "--workers",
        type=lambda text: [int(w) for w in text.split(",")],
        default=[usable_cores()],
        help="pool sizes to time, comma-separated (default: usable cores)",
    )
    parser.add_argument("--size", type=int, default=25, help="stamp size in mm")
    parser.add_argument("--layout", default="a4", choices=("a4", "roll"))
    parser.add_argument("--child", help=argparse.SUPPRESS)  # file of codes to print
    parser.add_argument("--limit", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--pool", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    return parser.parse_args()


def _items(codes_path: Path, limit: int):
    with codes_path.open() as lines:
        for serial, line in enumerate(lines, start=1):
            if serial > limit:
                return
            code = line.strip()
            yield PrintItem(serial=serial, code=code, url=BASE_URL + code)


def _time_encode(codes_path: Path, small: int) -> tuple[dict[int, float], dict[int, float]]:
    """Wall and CPU seconds for the compiled encoder over the first ``small`` URLs and over
    all of them."""
    urls = [BASE_URL + line.strip() for line in codes_path.open()]
    qr = zxingcpp.BarcodeFormat.QRCode
    start, start_cpu = time.perf_counter(), time.process_time()
    seconds, cpu = {}, {}
    for i, url in enumerate(urls, start=1):
        zxingcpp.create_barcode(url, qr, ec_level=QR_ERROR_LEVEL)
        if i == small:
            seconds[small] = time.perf_counter() - start
            cpu[small] = time.process_time() - start_cpu
    seconds[len(urls)] = time.perf_counter() - start
    cpu[len(urls)] = time.process_time() - start_cpu
    return seconds, cpu


def _run_child(args, codes_path: Path, n: int, workers: int, tmp: str) -> dict:
    out = Path(tmp) / f"stamps-{n}.pdf"
    cmd = [sys.executable, __file__, "--child", str(codes_path), "--limit", str(n)]
    cmd += ["--pool", str(workers), "--size", str(args.size), "--layout", args.layout]
    cmd += ["--out", str(out)]
    load = os.getloadavg()[0]
    done = subprocess.run(cmd, check=True, capture_output=True, text=True)
    result = json.loads(done.stdout)
    result["load"] = (load, os.getloadavg()[0])
    out.unlink()
    return result


def _child(args) -> None:
    name = "Miến dong Cao Bằng"
    template = Template(size_mm=args.size, layout=args.layout, show_name=True, product_name=name)
    start, start_cpu = time.perf_counter(), _cpu_seconds()
    with open(args.out, "wb") as out:
        write_pdf(_items(Path(args.child), args.limit), template, out, workers=args.pool)
    seconds, cpu = time.perf_counter() - start, _cpu_seconds() - start_cpu
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    pool_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    size = Path(args.out).stat().st_size
    result = {"seconds": seconds, "cpu": cpu, "pdf_bytes": size}
    print(json.dumps(result | {"peak_rss_kb": peak_kb, "pool_rss_kb": pool_kb}))


def _cpu_seconds() -> float:
    """CPU time of this process and of its ended children (the pool, once shut down)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    pool = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + pool.ru_utime + pool.ru_stime


def _print_table(args, rows, encode: dict, encode_cpu: dict, small: int) -> None:
    print(f"\nlayout {args.layout}, {args.size} mm stamps, {usable_cores()} usable cores\n")
    head = ("procs", "stamps", "write_pdf s", "encode s", "ratio", "CPU s", "enc CPU s")
    head += ("CPU ratio", "RSS MiB", "pool MiB", "PDF MiB", "load before/after")
    widths = (5, 12, 11, 8, 5, 7, 9, 9, 7, 8, 7)
    print("  ".join(f"{h:>{w}}" for h, w in zip(head, widths, strict=False)), head[-1])
    by_workers = {}
    for workers, label, res, n in rows:
        base, base_cpu = encode.get(n), encode_cpu.get(n)
        ratio = f"{res['seconds'] / base:.2f}" if base else "-"
        cpu_ratio = f"{res['cpu'] / base_cpu:.2f}" if base_cpu else "-"
        base_txt = f"{base:.1f}" if base else "-"
        base_cpu_txt = f"{base_cpu:.1f}" if base_cpu else "-"
        print(
            f"{workers:>5}  {label:>12}  {res['seconds']:>11.1f}  {base_txt:>8}  {ratio:>5}"
            f"  {res['cpu']:>7.1f}  {base_cpu_txt:>9}  {cpu_ratio:>9}"
            f"  {res['peak_rss_kb'] / 1024:>7.1f}  {res['pool_rss_kb'] / 1024:>8.1f}"
            f"  {res['pdf_bytes'] / 2**20:>7.1f}  {res['load'][0]:.1f}/{res['load'][1]:.1f}"
        )
        if n:
            by_workers.setdefault(workers, {})[n] = res["seconds"]
    large = args.n
    print()
    for workers, seconds in by_workers.items():
        print(f"{workers} process(es): {large} stamps in {seconds[large]:.0f} s", end="")
        if large > small:
            per_stamp = (seconds[large] - seconds[small]) / (large - small)
            projected = seconds[small] + per_stamp * (MILLION - small)
            print(f"; projected for {MILLION:,}: {projected:.0f} s ({projected / 60:.1f} min)")
        else:
            print()
    if large > small:
        per_stamp = (encode[large] - encode[small]) / (large - small)
        projected = encode[small] + per_stamp * (MILLION - small)
        print(f"raw encode, one process: projected for {MILLION:,}: {projected:.0f} s")
    print("\ngoal: ratio <= 1.5; peak RSS about the same for both batch sizes")


if __name__ == "__main__":
    main()
