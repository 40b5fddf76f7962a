from pathlib import Path

from txng.settings import database_from_url


def test_postgresql_over_tcp():
    db = database_from_url("postgres://txng:secret@db.example.vn:5433/txng")
    assert db["ENGINE"] == "txng.ops.postgresql"
    assert (db["NAME"], db["USER"], db["PASSWORD"]) == ("txng", "txng", "secret")
    assert (db["HOST"], db["PORT"]) == ("db.example.vn", "5433")


def test_postgresql_over_its_unix_socket_as_libpq_writes_it():
    db = database_from_url("postgresql://txng@/txng?host=/var/run/postgresql")
    assert (db["HOST"], db["PORT"], db["NAME"]) == ("/var/run/postgresql", "", "txng")
    db = database_from_url("postgres://txng@:5444/txng?host=/tmp/Pg.Sock")
    assert (db["HOST"], db["PORT"]) == ("/tmp/Pg.Sock", "5444")  # the path's case is kept


def test_sqlite_by_default():
    db = database_from_url("")
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert Path(db["NAME"]).name == "db.sqlite3"
