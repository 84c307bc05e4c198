"""The OpenAPI description tells the truth: schemathesis, with every check and every phase on every
operation, against a real server on 127.0.0.1, on SQLite and on PostgreSQL.

Nothing is disabled and no expected status is widened: a request the description calls valid must
be accepted, one it calls invalid refused, and every answer must be one the description lists, in
the content type and shape it lists. The seed and the number of examples are fixed, so a run is
repeatable. Authenticated operations get the retailer's key or a token of the shopper whose id the
shopper-scoped paths carry, so they are exercised beyond 401 (a new token once erasure revokes it).

The description under test is the one the server builds for the mini shop (its stores are part of
it); each server is checked to serve exactly that one.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import hypothesis
import pytest
import schemathesis
from api.conftest import build_mini_shop
from pg import fresh_database
from schemathesis import Case

from agent.server.app import create_app
from agent.server.openapi import describe
from agent.server.tokens import issue_tokens
from agent.settings import Settings
from security.conftest import API_KEY, SECRET, Target, make_target
from tools.db.shop import Shop

SEED = 20261202
EXAMPLES = 25
SHOPPER = "S-LOYAL-1"  # the mini shop's known shopper: shopper-scoped paths name them
MINI_SHOP_STORES = {"MI01": "Milano", "RM01": "Roma"}

pytestmark = pytest.mark.slow


def _config(base_url: str | None = None) -> schemathesis.Config:
    return schemathesis.Config.from_dict({
        "seed": SEED,
        "generation": {"max-examples": EXAMPLES, "mode": "all", "database": "none"},
        "checks": {"enabled": True},
        "phases": {"examples": {"enabled": True}, "coverage": {"enabled": True},
                   "fuzzing": {"enabled": True}, "stateful": {"enabled": True}},
        "parameters": {"path.shopper_id": SHOPPER},
        "request-timeout": 30,
        **({"base-url": base_url} if base_url else {}),
    })


SETTINGS = Settings(api_key=API_KEY, token_secret=SECRET)


def _description() -> dict[str, Any]:
    app = create_app(SETTINGS)
    return describe(app, list(MINI_SHOP_STORES), sorted(set(MINI_SHOP_STORES.values())))


class _Server:
    """Where the server of the backend under test listens (set by the `live` fixture)."""

    url = ""


def _signing_in() -> type:
    """An auth provider for the credentials each operation declares (its `security`): the
    retailer's key, or a token of SHOPPER, asked of the server again when erasure revoked the last
    one. Coverage cases are built while pytest collects, before any server runs: theirs is minted
    with the suite's secret, as the server would mint it for a shopper never erased."""

    class SignIn:
        def get(self, case: Case, ctx: Any) -> str:
            if not _Server.url:
                return str(issue_tokens(SETTINGS, SHOPPER, "shopper", 0)["token"])
            r = httpx.post(f"{_Server.url}/v1/auth/shopper-token", json={"shopper_id": SHOPPER},
                           headers={"X-API-Key": API_KEY}, timeout=20)
            r.raise_for_status()
            return str(r.json()["token"])

        def set(self, case: Case, token: str, ctx: Any) -> None:
            schemes = {name for requirement in ctx.operation.definition.raw.get("security", [])
                       for name in requirement}
            if "shopperToken" in schemes:
                case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}
            elif "apiKey" in schemes:
                case.headers = {**(case.headers or {}), "X-API-Key": API_KEY}

    return SignIn


def _with_auth(schema: Any) -> Any:
    schema.auth(refresh_interval=600, retry_on=[401])(_signing_in())
    return schema


schema = _with_auth(schemathesis.openapi.from_dict(_description(), config=_config()))


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def live(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    tmp_path = tmp_path_factory.mktemp(f"contract-{request.param}")
    if request.param == "sqlite":
        backend: tuple[str, Shop] = ("sqlite", build_mini_shop(tmp_path))
        yield from _serving(backend, tmp_path)
        return
    with fresh_database() as url:
        yield from _serving(("postgres", build_mini_shop(tmp_path, url)), tmp_path)


def _serving(backend: tuple[str, Shop], tmp_path: Path) -> Iterator[Target]:
    for target in make_target(backend, tmp_path):
        served = httpx.get(f"{target.url}/openapi.json", timeout=20).json()
        assert served == schema.raw_schema, "the server serves another description than the one tested"
        _Server.url = target.url
        yield target


@schema.parametrize()
def test_every_answer_is_one_the_description_promises(case: Case, live: Target) -> None:
    case.call_and_validate(base_url=live.url)


def test_sequences_of_calls_keep_the_contract(live: Target) -> None:
    """The stateful phase: scenarios that feed one answer into the next call (links inferred from
    the description), EXAMPLES of them of up to the configured number of steps, derandomized."""
    stateful = _with_auth(schemathesis.openapi.from_dict(_description(), config=_config(live.url)))
    settings = stateful.config.get_hypothesis_settings(apply_ci_profile=False)
    stateful.as_state_machine().run(settings=hypothesis.settings(settings, derandomize=True))
