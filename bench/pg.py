"""A throwaway PostgreSQL cluster for benchmarks (same recipe as scripts/test.sh).

    with temp_cluster() as url:   # "postgres://txng@127.0.0.1:PORT/txng"
        ...

Uses DATABASE_URL instead when it is already set to a PostgreSQL URL.
"""

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile


def _pgbin():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
    if not found:
        raise SystemExit("PostgreSQL not installed (apt-get install postgresql)")
    return found[-1]


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def temp_cluster():
    existing = os.environ.get("DATABASE_URL", "")
    if existing.startswith(("postgres://", "postgresql://")):
        yield existing
        return
    pgbin, port = _pgbin(), _free_port()
    tmp = tempfile.mkdtemp(prefix="txng-bench-pg.")
    run_as = []
    if os.geteuid() == 0:
        shutil.chown(tmp, "postgres")
        run_as = ["runuser", "-u", "postgres", "--"]
    data = os.path.join(tmp, "data")
    quiet = {"stdout": subprocess.DEVNULL}
    try:
        subprocess.run(
            [*run_as, f"{pgbin}/initdb", "-D", data, "-U", "txng", "--auth=trust", "-E", "UTF8"],
            check=True,
            **quiet,
        )
        options = (
            f"-p {port} -k {tmp} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c shared_buffers=256MB"
        )
        subprocess.run(
            [*run_as, f"{pgbin}/pg_ctl", "-D", data, "-l", f"{tmp}/log", "-w", "-o", options,
             "start"],
            check=True,
            **quiet,
        )  # fmt: skip
        subprocess.run(
            [*run_as, f"{pgbin}/createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "txng",
             "txng"],
            check=True,
        )  # fmt: skip
        yield f"postgres://txng@127.0.0.1:{port}/txng"
    finally:
        subprocess.run(
            [*run_as, f"{pgbin}/pg_ctl", "-D", data, "-m", "immediate", "stop"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        shutil.rmtree(tmp, ignore_errors=True)
