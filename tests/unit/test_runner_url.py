"""Database URLs (mizzle.dburl): the forms SPEC §1 accepts, libpq parameters, masking."""

from __future__ import annotations

import pytest

from mizzle.dburl import mask_url, parse_url
from mizzle.errors import UsageError, mask_password


@pytest.mark.parametrize("url", ["postgresql://app:pw@db:5433/prod", "postgres://app:pw@db:5433/prod",
                                 "postgresql+psycopg://app:pw@db:5433/prod", "postgresql+asyncpg://app:pw@db:5433/prod"])
def test_postgres_forms_give_plain_libpq_parameters(url: str) -> None:
    u = parse_url(url)
    assert u.dialect == "postgresql"
    assert u.libpq_params() == {"host": "db", "port": 5433, "dbname": "prod", "user": "app", "password": "pw"}
    assert "pw" not in u.masked and u.masked.endswith("app:***@db:5433/prod")
    assert u.where == "db:5433/prod"
    assert "pw" not in repr(u)


def test_percent_encoded_password_and_query() -> None:
    u = parse_url("postgresql://app:p%40ss%3Aw0rd@db/prod?sslmode=require&application_name=x")
    assert u.password == "p@ss:w0rd"
    assert u.libpq_params()["sslmode"] == "require"
    assert "p%40ss" not in u.masked and "p@ss" not in u.masked


def test_socket_directory_host() -> None:
    u = parse_url("postgresql:///prod?host=/var/run/postgresql")
    assert u.libpq_params() == {"host": "/var/run/postgresql", "dbname": "prod"}


def test_sqlite_and_mysql() -> None:
    assert parse_url("sqlite:///app.db").database == "app.db"
    assert parse_url("sqlite:////abs/app.db").database == "/abs/app.db"
    assert parse_url("sqlite://:memory:").database == ":memory:"
    m = parse_url("mysql+pymysql://root:pw@127.0.0.1/app")
    assert m.dialect == "mysql" and m.masked == "mysql+pymysql://root:***@127.0.0.1/app"


@pytest.mark.parametrize("url,needle", [
    ("oracle://scott:tiger-PW@db/orcl", "unknown dialect 'oracle'"),
    ("localhost:tiger-PW", "malformed database URL"),
    ("postgresql://scott:tiger-PW@db:port/x", "port"),
    ("postgresql://scott:tiger-PW@db:99999/x", "port"),
    ("sqlite://", "no file path"),
])
def test_malformed_urls_never_echo_the_password(url: str, needle: str) -> None:
    with pytest.raises(UsageError) as ei:
        parse_url(url)
    assert needle in ei.value.message
    assert "tiger-PW" not in str(ei.value)
    assert "tiger-PW" not in mask_url(url)


def test_mask_password_in_free_text() -> None:
    assert mask_password("see postgresql://a:b@c/d and mysql://x:y@z") == "see postgresql://a:***@c/d and mysql://x:***@z"
