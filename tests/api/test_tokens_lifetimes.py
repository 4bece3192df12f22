"""Token lifetimes over real HTTP and the real command line: expiry, rotation, names, the
Authorization header, and a farm token on a division's endpoints."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.engine import Engine

from pigdata.access.principal import Role
from pigdata.access.tokens import authenticate, create_token, stamp
from pigdata.config import Settings
from pigdata.errors import Unauthorized
from pigdata.store import tables as t
from pigdata.store.engine import make_engine
from pigdata.store.schema import _alembic_config, upgrade

from tests.builders import FARM_A, district, ingest


def client(server: str, token: str | None = None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(base_url=server, headers=headers)


def age(engine: Engine, name: str, column: str) -> None:
    """Put a token's moment an hour into the past, as if the time had passed."""
    past = stamp(datetime.now(UTC) - timedelta(hours=1))
    with engine.begin() as conn:
        conn.execute(
            t.api_tokens.update().where(t.api_tokens.c.name == name).values({column: past})
        )


def refusal(response: httpx.Response) -> str:
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")
    rule: str = response.json()["rule"]
    return rule


@pytest.fixture
def admin(engine: Engine) -> str:
    return create_token(engine, "admin", Role.admin).secret


def test_an_expired_token_gets_401(server: str, engine: Engine, admin: str) -> None:
    with client(server, admin) as api:
        made = api.post(
            "/api/v1/tokens", json={"name": "short", "role": "public", "expires_in_days": 1}
        )
    assert made.status_code == 201
    ends = datetime.fromisoformat(made.json()["expires_at"])
    assert timedelta(hours=23) < ends - datetime.now(UTC) <= timedelta(days=1)
    secret = made.json()["token"]
    with client(server, secret) as api:
        assert api.get("/api/v1/me").json()["name"] == "short"
    age(engine, "short", "expires_at")
    with client(server, secret) as api:
        response = api.get("/api/v1/me")
    assert refusal(response) == "access.token_expired"
    assert "expired" in response.json()["en"] and "已过期" in response.json()["zh"]


def test_the_default_lifetime_is_the_setting(server: str, admin: str, settings: Settings) -> None:
    with client(server, admin) as api:
        made = api.post("/api/v1/tokens", json={"name": "d", "role": "public"}).json()
    left = datetime.fromisoformat(made["expires_at"]) - datetime.now(UTC)
    assert timedelta(days=settings.token_lifetime_days - 1) < left
    assert left <= timedelta(days=settings.token_lifetime_days)


@pytest.mark.parametrize(
    "lifetime",
    [
        {"expires_in_days": 0},
        {"expires_in_days": 100_000},
        {"expires_at": "2020-01-01T00:00:00Z"},
        {"expires_at": "9999-12-31T00:00:00Z"},
        {"expires_in_days": 3, "expires_at": "2099-01-01T00:00:00Z"},
    ],
)
def test_an_impossible_expiry_is_refused(
    server: str, admin: str, lifetime: dict[str, object]
) -> None:
    with client(server, admin) as api:
        response = api.post("/api/v1/tokens", json={"name": "x", "role": "public", **lifetime})
    assert response.status_code == 422


def test_rotation_keeps_the_principal_and_drops_the_old_secret(
    server: str, engine: Engine, admin: str
) -> None:
    ingest_engine = engine
    old = create_token(ingest_engine, "county", Role.government, "500153").secret
    with client(server, admin) as api:
        rotated = api.post("/api/v1/tokens/county/rotate", json={"expires_in_days": 30})
    assert rotated.status_code == 200
    new = rotated.json()["token"]
    assert new != old and rotated.json()["scope"] == "500153"
    with client(server, new) as api:
        assert api.get("/api/v1/me").json() == {
            "name": "county",
            "role": "government",
            "scope": "500153",
        }
    with client(server, old) as api:
        assert refusal(api.get("/api/v1/me")) == "access.token"


def test_rotation_with_grace_keeps_the_old_secret_a_while(
    server: str, engine: Engine, admin: str
) -> None:
    old = create_token(engine, "feed", Role.public).secret
    with client(server, admin) as api:
        new = api.post("/api/v1/tokens/feed/rotate", json={"grace_minutes": 60}).json()["token"]
        assert api.post("/api/v1/tokens/nobody/rotate", json={}).status_code == 404
        too_long = api.post("/api/v1/tokens/feed/rotate", json={"grace_minutes": 100_000})
        assert too_long.status_code == 422
    for secret in (old, new):
        with client(server, secret) as api:
            assert api.get("/api/v1/me").json()["name"] == "feed"
    age(engine, "feed", "previous_until")
    with client(server, old) as api:
        response = api.get("/api/v1/me")
    assert refusal(response) == "access.token_expired"
    assert "rotation" in response.json()["en"]
    with client(server, new) as api:
        assert api.get("/api/v1/me").status_code == 200


def test_only_admins_rotate(server: str, engine: Engine) -> None:
    county = create_token(engine, "county", Role.government, "500153").secret
    with client(server, county) as api:
        assert api.post("/api/v1/tokens/county/rotate", json={}).status_code == 403


@pytest.mark.parametrize("name", ["", " ", "\t", "\u3000", "a\nb"])
def test_empty_and_blank_names_are_refused(server: str, admin: str, name: str) -> None:
    with client(server, admin) as api:
        response = api.post("/api/v1/tokens", json={"name": name, "role": "public"})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize(
    "header", ["", "Bearer", "Token pgd_abc", "Basic YWRtaW46YWRtaW4=", "pgd_abc", "Bearer a b"]
)
def test_an_empty_or_malformed_authorization_header_gets_401(server: str, header: str) -> None:
    with httpx.Client(base_url=server) as api:
        response = api.get("/api/v1/me", headers={"Authorization": header})
    assert refusal(response) == "access.authorization_header"
    with httpx.Client(base_url=server) as api:  # no header at all: the anonymous public
        assert api.get("/api/v1/me").json()["role"] == "public"


def test_a_farm_token_on_a_division_endpoint_gets_403(
    server: str, engine: Engine, settings: Settings
) -> None:
    ingest(engine, settings, district())
    farm = create_token(engine, "farm-a", Role.farm, FARM_A).secret
    figures = {"normal_holding": 5, "source": "county plan", "effective_month": "2024-01"}
    with client(server, farm) as api:
        for region in ("500153", "999999"):
            answers = [
                api.get("/api/v1/performance", params={"region": region, "month": "2024-05"}),
                api.put("/api/v1/capacity/settings", json={"region": region, **figures}),
                api.put(
                    "/api/v1/resources/farmland",
                    json={"region": region, "hectares": 5, "source": "survey"},
                ),
            ]
            assert [a.status_code for a in answers] == [403, 403, 403], region
            assert {a.json()["rule"] for a in answers} == {"access.scope"}


def test_the_command_line_sets_lifetimes_and_rotates(
    server: str, engine: Engine, settings: Settings
) -> None:
    from tests.cli.test_commands import run as pigdata

    made = pigdata(
        settings, "token", "create", "--name", "ops", "--role", "admin", "--expires-in", "2"
    )
    secret = made.stdout.strip().splitlines()[-1]
    assert "expires 20" in made.stdout
    day = (datetime.now(UTC) + timedelta(days=100)).date().isoformat()
    dated = pigdata(
        settings, "token", "create", "--name", "y", "--role", "public", "--expires", day
    )
    assert f"expires {day}T00:00:00.000Z" in dated.stdout
    rotated = pigdata(settings, "token", "rotate", "ops", "--grace", "0")
    fresh = rotated.stdout.strip().splitlines()[-1]
    assert fresh.startswith("pgd_") and fresh != secret
    with client(server, secret) as api:
        assert refusal(api.get("/api/v1/me")) == "access.token"
    with client(server, fresh) as api:
        assert api.get("/api/v1/me").json()["name"] == "ops"
    listed = pigdata(settings, "token", "list").stdout
    assert "ops" in listed and day in listed
    for refused in (
        ("token", "create", "--name", "  ", "--role", "public"),
        ("token", "rotate", "nobody"),
    ):
        done = pigdata(settings, *refused, check=False)
        assert done.returncode == 1 and "Traceback" not in done.stderr, refused
        assert "token." in done.stderr


def test_an_expired_token_is_refused_on_the_command_line(
    engine: Engine, settings: Settings
) -> None:
    from tests.cli.test_commands import run as pigdata

    secret = create_token(engine, "late", Role.admin).secret
    age(engine, "late", "expires_at")
    done = pigdata(
        settings,
        "stats",
        "performance",
        "--token",
        secret,
        "--region",
        "500153",
        "--month",
        "2024-05",
        check=False,
    )
    assert done.returncode == 1 and "access.token_expired" in done.stderr


def test_tokens_of_an_older_store_never_expire(tmp_path: object) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/old.db")
    config = _alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0009_price_weeks")
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO api_tokens (name, role, token_hash, created_at)"
                " VALUES ('legacy', 'admin', :h, '2025-01-01T00:00:00.000Z')"
            ),
            {"h": hashlib.sha256(b"pgd_legacy").digest()},
        )
    upgrade(engine)
    with engine.connect() as conn:
        assert authenticate(conn, "pgd_legacy").name == "legacy"
        assert conn.execute(sa.select(t.api_tokens.c.expires_at)).scalar() is None
        with pytest.raises(Unauthorized):
            authenticate(conn, "pgd_other")
    engine.dispose()
