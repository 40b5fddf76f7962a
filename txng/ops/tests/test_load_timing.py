"""The load bench's split of a request's time: gunicorn's hooks (deploy/gunicorn.conf.py) log
each request's worker time, CPU and database time by request id, and bench/load_report.py joins
that with nginx's log and the client's time."""

import http.client
import importlib.util
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[3]


def _module(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def gunicorn_conf(monkeypatch, tmp_path):
    monkeypatch.setenv("REQUEST_TIMING_LOG", str(tmp_path / "timing.log"))
    return _module("gunicorn_conf_under_test", ROOT / "deploy" / "gunicorn.conf.py")


@pytest.fixture
def report():
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        yield _module("load_report_under_test", ROOT / "bench" / "load_report.py")
    finally:
        sys.path.remove(str(ROOT / "bench"))


@pytest.fixture
def load(report):
    return _module("load_under_test", ROOT / "bench" / "load.py")


class _Request:
    headers = [("HOST", "127.0.0.1"), ("X-REQUEST-ID", "abc123")]


@pytest.mark.django_db
def test_timing_hooks_log_the_requests_queries_by_its_id(gunicorn_conf, tmp_path):
    req = _Request()
    gunicorn_conf.pre_request(None, req)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.execute("SELECT 2")
    gunicorn_conf.post_request(None, req, {}, None)
    rid, wall, cpu, database, queries, _pid = (tmp_path / "timing.log").read_text().split()
    assert rid == "abc123"
    assert queries == "2"
    assert 0 < float(database) <= float(wall)
    assert 0 <= float(cpu) <= float(wall) + 1
    # The timer is taken off again: a later request's queries are not counted twice.
    assert not any(w for w in connection.execute_wrappers if "timer" in getattr(w, "__name__", ""))


def test_timing_hooks_do_nothing_without_the_log(monkeypatch):
    monkeypatch.delenv("REQUEST_TIMING_LOG", raising=False)
    conf = _module("gunicorn_conf_plain", ROOT / "deploy" / "gunicorn.conf.py")
    req = _Request()
    conf.pre_request(None, req)
    conf.post_request(None, req, {}, None)
    assert not hasattr(req, "txng_timing")
    # One connection a thread, so a busy worker leaves new requests to the others.
    assert conf.worker_connections == conf.threads


def test_split_joins_the_client_nginx_and_worker_times(report, tmp_path):
    nginx = tmp_path / "nginx.log"
    nginx.write_text(
        'rid=r1 st=200 rt=0.120 urt="0.100" uct="0.000" bytes=10 "GET /q/x HTTP/1.1"\n'
        # Sent twice by nginx (the first worker died): both upstream times count.
        'rid=r2 st=200 rt=0.050 urt="0.010, 0.030" uct="0.000, 0.000" bytes=10 "GET / HTTP/1.1"\n'
    )
    worker = tmp_path / "worker.log"
    worker.write_text("r1 60.0 30.0 10.0 3 11\nr2 25.0 20.0 2.0 1 12\n")
    by_kind = report.split(
        [("scan", "r1", 150.0), ("page", "r2", 55.0), ("scan", "missing", 9.0)],
        report.read_nginx(nginx),
        report.read_worker_timing(worker),
    )
    ((client, parts),) = by_kind["scan"]
    assert client == 150.0
    assert parts == pytest.approx(
        {
            "generator": 30.0,
            "nginx": 20.0,
            "gunicorn queue": 40.0,
            "app CPU": 30.0,
            "app database": 10.0,
            "app waiting": 20.0,
        }
    )
    assert by_kind["page"][0][1]["gunicorn queue"] == pytest.approx(15.0)
    assert "missing" not in str(by_kind)


def test_latencies_outside_faults_leave_out_requests_overlapping_a_window(report, capsys):
    records = [("scan", 0.0, 50.0, True), ("scan", 10.0, 5000.0, False), ("scan", 30.0, 70.0, True)]
    report.print_latencies(records, 60, 60.0, [("kill", 12.0, 20.0)], {"scan": 1})
    row = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("scan"))
    whole, outside = (part.split() for part in row.split("|"))
    assert whole[1] == "3" and whole[-2] == "1"  # three requests, one error
    assert outside[0] == "2" and outside[-1] == "0"  # the slow failed one overlapped the fault


def test_nginx_resends_to_another_worker_are_counted_per_kind(report, tmp_path):
    nginx = tmp_path / "nginx.log"
    nginx.write_text(
        'rid=r1 st=200 rt=0.120 urt="0.100" uct="0.000" bytes=10 "GET /q/x HTTP/1.1"\n'
        'rid=r2 st=200 rt=0.050 urt="0.010, 0.030" uct="0.000, 0.000" bytes=10 "POST / HTTP/1.1"\n'
        'rid=r3 st=502 rt=0.050 urt="-, -, 0.001" uct="-, -, 0.000" bytes=10 "GET / HTTP/1.1"\n'
    )
    attempts = [("scan", "r1", 150.0), ("diary", "r2", 55.0), ("page", "r3", 60.0)]
    resent = report.nginx_resends(attempts, report.read_nginx(nginx))
    assert dict(resent) == {"scan": 0, "diary": 1, "page": 2}


class _Dropping:
    """A keep-alive connection the proxy closed, then fresh ones that answer."""

    made = []

    def __init__(self, *args, **kwargs):
        self.made.append(self)
        self.first = len(self.made) == 1

    def request(self, method, path, body=None, headers=None):
        if self.first:
            raise http.client.RemoteDisconnected("closed")

    def getresponse(self):
        class Response:
            status = 200
            headers = http.client.HTTPMessage()

            def read(self):
                return b'{"ok": true}'

        return Response()


def test_a_post_the_client_sends_again_on_a_fresh_connection_counts_as_resent(load, monkeypatch):
    _Dropping.made = []
    monkeypatch.setattr(load.http.client, "HTTPSConnection", _Dropping)
    client, stats = load.Client("https://127.0.0.1:8443", None), load.Stats()
    status, _body, _headers = load.resend(stats, "diary", client, "POST", "/x", (200,), body="a=1")
    assert status == 200 and len(_Dropping.made) == 2
    assert stats.retried["diary"] == 1
    assert [r[3] for r in stats.records] == [True]  # one request, answered in the end


class _Scripted:
    """Answers in order, as a client of the bench does."""

    def __init__(self, answers):
        self.answers, self.reopened, self.sent = list(answers), 0, []

    def request(self, method, path, body=None, headers=None):
        self.sent.append((method, path))
        return self.answers.pop(0)


def test_a_refused_totp_code_is_a_failed_login_request(load, monkeypatch):
    form = b'<input name="csrfmiddlewaretoken" value="t0k">'
    client = _Scripted(
        [
            (200, form, {}),
            (302, b"", {"Location": "/accounts/login/code/"}),
            (200, form, {}),
            (200, form, {}),  # the code refused: the form again
            (302, b"", {"Location": "/"}),
        ]
    )
    monkeypatch.setattr(load.time, "sleep", lambda seconds: None)
    stats = load.Stats()
    assert load.login(
        client, stats, "dost", "pw", totp_key="3132333435363738393031323334353637383930"
    )
    assert stats.errors["login"] == 1
    assert stats.retried["login"] == 1
    assert [r[3] for r in stats.records] == [True, True, True, False, True]
