"""A throwaway PostgreSQL cluster for benchmarks (temp dir, free port), as scripts/test.sh does.

with temp_cluster() as url:   # or reuse DATABASE_URL when it is set
    ...

The URL reaches the server over TCP, or with socket=True over its Unix socket (as a
PostgreSQL on the app's own machine is best reached, see docs/deploy.md).
"""

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile


def _pg_bin():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
    if not found:
        raise SystemExit(
            "PostgreSQL not installed (apt-get install postgresql), or set DATABASE_URL"
        )
    return found[-1]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def temp_cluster(db="txng", socket=False, preload=()):
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        yield os.environ["DATABASE_URL"]
        return
    pg_bin = _pg_bin()
    tmp = tempfile.mkdtemp(prefix="txng-bench-pg.")
    run_as = []
    if os.geteuid() == 0:
        if subprocess.run(["id", "postgres"], capture_output=True).returncode != 0:
            subprocess.run(["useradd", "-r", "postgres"], check=True)
        shutil.chown(tmp, "postgres")
        run_as = ["runuser", "-u", "postgres", "--"]
    port = free_port()
    data = os.path.join(tmp, "data")
    subprocess.run(
        [*run_as, f"{pg_bin}/initdb", "-D", data, "-U", "txng", "--auth=trust", "-E", "UTF8"],
        check=True,
        capture_output=True,
    )
    opts = (
        f"-p {port} -k {tmp} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c shared_buffers=256MB "
        "-c max_wal_size=4GB -c maintenance_work_mem=512MB"
    )
    if preload:
        opts += f" -c shared_preload_libraries={','.join(preload)}"
    subprocess.run(
        [*run_as, f"{pg_bin}/pg_ctl", "-D", data, "-l", f"{tmp}/log", "-w", "-o", opts, "start"],
        check=True,
        capture_output=True,
    )
    try:
        subprocess.run(
            [f"{pg_bin}/createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "txng", db],
            check=True,
        )
        if socket:
            yield f"postgres://txng@:{port}/{db}?host={tmp}"
        else:
            yield f"postgres://txng@127.0.0.1:{port}/{db}"
    finally:
        subprocess.run(
            [*run_as, f"{pg_bin}/pg_ctl", "-D", data, "-m", "immediate", "stop"],
            capture_output=True,
        )
        shutil.rmtree(tmp, ignore_errors=True)
