"""Benchmark stamp printing: write_pdf time against raw segno.make, and peak memory.

    .venv/bin/python bench/stamps.py [--n 100000] [--size 25] [--layout a4]

Each write_pdf run is a fresh subprocess so its peak RSS (getrusage) is its own; items are
read lazily from a file of codes, so RSS shows what write_pdf itself holds. A flat RSS from
--n/10 to --n stamps means memory does not grow with the batch.
"""

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import segno  # noqa: E402

from txng.stamps.codes import new_code  # noqa: E402
from txng.stamps.printing import PrintItem, Template, write_pdf  # noqa: E402

BASE_URL = "https://truyxuatnguongoc.caobang.gov.vn/q/"


def main() -> None:
    args = _parse_args()
    if args.child:
        _child(args)
        return
    small = max(args.n // 10, 1)
    with tempfile.TemporaryDirectory() as tmp:
        codes_path = Path(tmp) / "codes.txt"
        codes_path.write_text("".join(new_code() + "\n" for _ in range(args.n)))
        print(f"{args.n} codes written; timing segno.make ...", flush=True)
        segno_small, segno_all = _time_segno(codes_path, small)
        rows = [("imports only", _run_child(args, codes_path, 0, tmp), None)]
        for n, segno_s in ((small, segno_small), (args.n, segno_all)):
            print(f"write_pdf for {n} stamps ...", flush=True)
            rows.append((str(n), _run_child(args, codes_path, n, tmp), segno_s))
    _print_table(args, rows)


def _parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="stamps in the large run")
    parser.add_argument("--size", type=int, default=25, help="stamp size in mm")
    parser.add_argument("--layout", default="a4", choices=("a4", "roll"))
    parser.add_argument("--child", help=argparse.SUPPRESS)  # file of codes to print
    parser.add_argument("--limit", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    return parser.parse_args()


def _items(codes_path: Path, limit: int):
    with codes_path.open() as lines:
        for serial, line in enumerate(lines, start=1):
            if serial > limit:
                return
            code = line.strip()
            yield PrintItem(serial=serial, code=code, url=BASE_URL + code)


def _time_segno(codes_path: Path, small: int) -> tuple[float, float]:
    """Seconds for segno.make over the first ``small`` URLs and over all of them."""
    urls = [BASE_URL + line.strip() for line in codes_path.open()]
    start = time.perf_counter()
    at_small = 0.0
    for i, url in enumerate(urls, start=1):
        segno.make(url, error="m", micro=False)
        if i == small:
            at_small = time.perf_counter() - start
    return at_small, time.perf_counter() - start


def _run_child(args, codes_path: Path, n: int, tmp: str) -> dict:
    out = Path(tmp) / f"stamps-{n}.pdf"
    cmd = [sys.executable, __file__, "--child", str(codes_path), "--limit", str(n)]
    cmd += ["--size", str(args.size), "--layout", args.layout, "--out", str(out)]
    done = subprocess.run(cmd, check=True, capture_output=True, text=True)
    result = json.loads(done.stdout)
    out.unlink()
    return result


def _child(args) -> None:
    name = "Miến dong Cao Bằng"
    template = Template(size_mm=args.size, layout=args.layout, show_name=True, product_name=name)
    start = time.perf_counter()
    with open(args.out, "wb") as out:
        write_pdf(_items(Path(args.child), args.limit), template, out)
    seconds = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    size = Path(args.out).stat().st_size
    print(json.dumps({"seconds": seconds, "peak_rss_kb": peak_kb, "pdf_bytes": size}))


def _print_table(args, rows) -> None:
    print(f"\nlayout {args.layout}, {args.size} mm stamps\n")
    head = ("stamps", "write_pdf s", "segno.make s", "ratio", "peak RSS MiB", "PDF MiB")
    print("{:>12}  {:>11}  {:>12}  {:>6}  {:>12}  {:>8}".format(*head))
    for label, res, segno_s in rows:
        ratio = f"{res['seconds'] / segno_s:.2f}" if segno_s else "-"
        segno_txt = f"{segno_s:.1f}" if segno_s else "-"
        print(
            f"{label:>12}  {res['seconds']:>11.1f}  {segno_txt:>12}  {ratio:>6}"
            f"  {res['peak_rss_kb'] / 1024:>12.1f}  {res['pdf_bytes'] / 2**20:>8.1f}"
        )
    print("\ngoal: ratio <= 1.5; peak RSS about the same for both batch sizes")


if __name__ == "__main__":
    main()
