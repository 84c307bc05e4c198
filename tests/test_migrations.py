"""Schema migrations as a retailer meets them: a data folder made by an older Sarto upgrades in place
with every row kept (SQLite and PostgreSQL), `sarto migrate` says what it did and is a no-op the
second time, concurrent starts migrate once, and a model changed without a migration fails CI."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import legacy_models
import pytest
from pg import fresh_database
from sqlalchemy import Column, Engine, MetaData, String, create_engine, delete, insert, inspect, select, text

from tools.db.engine import create_schema, get_engine, sqlite_url
from tools.db.migrate import head_revision, migrate, schema_differences
from tools.db.models import Base

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
SEED_ATTRIBUTES = {"department", "category", "subcategory", "brand", "description_it", "description_en",
                   "occasions", "seasons", "colours", "pattern", "fit", "style", "formality", "fabric",
                   "compatible_categories", "target_age", "emotional", "sustainability"}


def sarto(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    env.pop("SARTO_DATABASE_URL", None)
    return subprocess.run([sys.executable, "-m", "agent.cli", *args], capture_output=True, text=True,
                          timeout=120, env=env, cwd=ROOT)


def _product(number: int, category: str) -> dict[str, Any]:
    sku = f"SRT-OLD-{number:06d}"
    return {"id": number, "sku": sku, "department": "menswear", "category": category,
            "subcategory": category, "brand": "Sartoria", "title_it": f"Capo {number}",
            "title_en": f"Garment {number}", "description_it": "Lana.", "description_en": "Wool.",
            "price": Decimal("189.90"), "currency": "EUR", "occasions": ["work"], "seasons": ["winter"],
            "colours": ["navy"], "pattern": "solid", "fit": "slim", "style": "classic", "formality": 4,
            "fabric": [{"fibre": "wool", "pct": 100}], "compatible_categories": ["shirt"],
            "target_age": "adult", "emotional": ["confident"], "sustainability": [],
            "image": f"/images/{sku}.svg", "content_hash": f"{number:064d}"}


def _old_rows() -> dict[str, list[dict[str, Any]]]:
    """A few rows in every table of the old schema, a held reservation among them."""
    held_until = NOW + timedelta(days=2)
    return {
        "stores": [{"code": "MI01", "name": "Milano Duomo", "city": "Milano", "address": "Via Dante 1",
                    "lat": 45.46, "lon": 9.19, "hours": {"mon": ["10:00", "19:30"], "sun": None},
                    "services": ["pickup"], "phone": "+39 02 000000"}],
        "products": [_product(1, "blazer"), _product(2, "shirt")],
        "variants": [{"id": "SRT-OLD-000001-50", "product_id": 1, "size": "50", "size_system": "IT"},
                     {"id": "SRT-OLD-000001-52", "product_id": 1, "size": "52", "size_system": "IT"},
                     {"id": "SRT-OLD-000002-M", "product_id": 2, "size": "M", "size_system": "INT"}],
        "inventory": [{"variant_id": "SRT-OLD-000001-50", "location": "MI01", "quantity": 3, "reserved": 1,
                       "updated_at": NOW},
                      {"variant_id": "SRT-OLD-000002-M", "location": "online", "quantity": 7, "reserved": 0,
                       "updated_at": NOW}],
        "shoppers": [{"id": "anna", "email": "anna@example.com", "name": "Anna", "loyalty_id": "L1",
                      "tier": "gold", "consent_personalisation": True, "consent_marketing": False,
                      "language": "it", "city": "Milano", "department": "menswear",
                      "known_sizes": {"IT": "50"}, "is_guest": False, "created_at": NOW}],
        "events": [{"id": 1, "shopper_id": "anna", "type": "search", "sku": None, "text": "giacca blu",
                    "at": NOW, "channel": "web"}],
        "orders": [{"id": "R-1", "shopper_id": "anna", "channel": "store", "store_code": "MI01",
                    "placed_at": NOW, "total": Decimal("189.90")}],
        "order_lines": [{"id": 1, "order_id": "R-1", "variant_id": "SRT-OLD-000001-52",
                         "sku": "SRT-OLD-000001", "quantity": 1, "unit_price": Decimal("189.90")}],
        "reservations": [{"id": "res-1", "pickup_code": "ABC123", "shopper_id": "anna", "store_code": "MI01",
                          "status": "held", "idempotency_key": "k1", "thread_id": "t1", "created_at": NOW,
                          "expires_at": held_until, "total": Decimal("189.90")}],
        "reservation_items": [{"id": 1, "reservation_id": "res-1", "variant_id": "SRT-OLD-000001-50",
                               "sku": "SRT-OLD-000001", "quantity": 1, "unit_price": Decimal("189.90")}],
        "threads": [{"id": "t1", "shopper_id": "anna", "title": "Colloquio", "created_at": NOW,
                     "updated_at": NOW}],
        "token_versions": [{"shopper_id": "anna", "version": 2, "changed_at": NOW}],
        "runs": [{"id": "run-1", "shopper_id": "anna", "thread_id": "t1", "message": "ciao",
                  "status": "finished", "created_at": NOW, "finished_at": NOW}],
    }


def make_old_data_folder(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    """The database as an older Sarto left it: create_all of its models, no alembic_version."""
    legacy_models.Base.metadata.create_all(engine)
    rows = _old_rows()
    assert set(rows) == set(legacy_models.Base.metadata.tables), "a row in every old table"
    with engine.begin() as connection:
        for table in legacy_models.Base.metadata.sorted_tables:
            connection.execute(insert(table), rows[table.name])
    return rows


def _aware(value: Any) -> Any:
    """SQLite gives back the UTC times it was given without their zone."""
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _read(engine: Engine, table: str, columns: list[str]) -> list[dict[str, Any]]:
    t = Base.metadata.tables[table]
    with engine.connect() as connection:
        return [{k: _aware(v) for k, v in r._mapping.items()} for r in connection.execute(
            select(*(t.c[c] for c in columns)).order_by(*t.primary_key.columns))]


def assert_upgraded_in_place(engine: Engine, before: dict[str, list[dict[str, Any]]]) -> None:
    for table, rows in before.items():
        old_columns = list(rows[0])
        assert _read(engine, table, old_columns) == rows, f"{table} rows changed"
    products = _read(engine, "products", ["sku", "origin", "retired", "attribute_sources", "list_price"])
    assert all(p["origin"] == "seed" and p["retired"] is False and p["list_price"] is None for p in products)
    assert all(set(p["attribute_sources"]) == SEED_ATTRIBUTES
               and set(p["attribute_sources"].values()) == {"seed"} for p in products)
    assert _read(engine, "stores", ["postal_code", "country"]) == [{"postal_code": None, "country": None}]
    assert _read(engine, "variants", ["gtin"])[0] == {"gtin": None}
    assert inspect(engine).has_table("import_jobs")
    assert schema_differences(engine) == []


def assert_old_shop_still_works(url: str, data_dir: Path) -> None:
    """The upgraded shop serves its held reservation, takes a long feed id, and its foreign keys
    survived the upgrade (deleting a product still takes its variants and stock with it)."""
    from tools.db.engine import session_scope
    from tools.db.models import Inventory, Product, Variant
    from tools.db.shop import open_shop
    from tools.stock.reservations import list_reservations

    shop = open_shop(url, data_dir)
    held = list_reservations(shop, "anna", NOW)
    assert [(r.status, r.pickup_code, [i.variant_id for i in r.items]) for r in held] == [
        ("held", "ABC123", ["SRT-OLD-000001-50"])]
    long_id = "V" * 64
    with session_scope(shop.engine) as session:
        session.add(Variant(id=long_id, product_id=2, size="EU 42 / US 9", size_system="EU"))
    with session_scope(shop.engine) as session:
        assert session.get(Variant, long_id) is not None
        session.execute(delete(Product).where(Product.id == 2))
    with session_scope(shop.engine) as session:
        assert session.scalars(select(Variant.id).where(Variant.product_id == 2)).all() == []
        assert session.get(Inventory, ("SRT-OLD-000002-M", "online")) is None


def test_an_old_sqlite_data_folder_upgrades_in_place_and_sarto_migrate_is_then_a_no_op(
        tmp_path: Path) -> None:
    url = sqlite_url(tmp_path)
    before = make_old_data_folder(create_engine(url))

    first = sarto("migrate", "--data-dir", str(tmp_path))
    assert first.returncode == 0, first.stderr
    assert f"migrated (no version) → {head_revision()}" in first.stdout

    engine = create_engine(url)
    assert_upgraded_in_place(engine, before)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []
    engine.dispose()

    again = sarto("migrate", "--data-dir", str(tmp_path))
    assert again.returncode == 0, again.stderr
    assert f"already at {head_revision()}" in again.stdout
    assert_old_shop_still_works(url, tmp_path)


def test_make_run_upgrades_an_old_data_folder_before_serving(tmp_path: Path) -> None:
    """`make run` is `sarto seed --if-empty` then `sarto serve`: both open the shop, which migrates."""
    url = sqlite_url(tmp_path)
    before = make_old_data_folder(create_engine(url))

    seeded = sarto("seed", "--if-empty", "--no-index", "--data-dir", str(tmp_path))
    assert seeded.returncode == 0, seeded.stderr

    engine = create_engine(url)
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT version_num FROM alembic_version")) == head_revision()
    assert _read(engine, "products", ["sku"]) == [{"sku": p["sku"]} for p in before["products"]]


@pytest.mark.postgres
def test_an_old_postgresql_database_upgrades_in_place_and_sarto_migrate_is_then_a_no_op(
        tmp_path: Path) -> None:
    with fresh_database() as url:
        old = create_engine(url)
        before = make_old_data_folder(old)
        old.dispose()

        first = sarto("migrate", "--database-url", url)
        assert first.returncode == 0, first.stderr
        assert f"migrated (no version) → {head_revision()}" in first.stdout
        assert_upgraded_in_place(get_engine(url), before)

        again = sarto("migrate", "--database-url", url)
        assert again.returncode == 0, again.stderr
        assert f"already at {head_revision()}" in again.stdout
        assert_old_shop_still_works(url, tmp_path)


def test_a_failed_migration_leaves_the_old_data_folder_as_it_was(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path)
    engine = create_engine(url)
    before = make_old_data_folder(engine)
    with engine.begin() as connection:  # in the way of the last step of 0002
        connection.exec_driver_sql("CREATE TABLE import_jobs (id INTEGER PRIMARY KEY)")

    failed = sarto("migrate", "--data-dir", str(tmp_path))
    assert failed.returncode == 1
    assert "failed and changed nothing" in failed.stderr and "Traceback" not in failed.stderr

    columns = {c["name"] for c in inspect(engine).get_columns("products")}
    assert "origin" not in columns and not inspect(engine).has_table("alembic_version")
    for table, rows in before.items():
        assert _read(engine, table, list(rows[0])) == rows


def test_the_baseline_is_the_schema_older_sarto_made(tmp_path: Path) -> None:
    """0001 written out by hand equals what create_all of the old models made."""
    from alembic import command

    from tools.db.migrate import _config

    engine = create_engine(sqlite_url(tmp_path))
    with engine.begin() as connection:
        command.upgrade(_config(connection), "0001_baseline")
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, legacy_models.Base.metadata) == []


def test_migrations_from_empty_build_exactly_the_models() -> None:
    result = sarto("migrate", "--check")
    assert result.returncode == 0, result.stderr
    assert "agree" in result.stdout


def test_a_model_change_without_a_migration_fails_the_check(monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from agent.cli import app

    changed = MetaData()
    for table in Base.metadata.tables.values():
        table.to_metadata(changed)
    changed.tables["products"].append_column(Column("season_code", String(8), nullable=True))
    monkeypatch.setattr(Base, "metadata", changed)

    result = CliRunner().invoke(app, ["migrate", "--check"])
    assert result.exit_code == 1
    assert "season_code" in result.output and "write a migration" in result.output


@pytest.mark.postgres
def test_postgresql_migrated_from_empty_equals_the_models() -> None:
    with fresh_database() as url:
        engine = get_engine(url)
        assert migrate(engine).after == head_revision()
        assert schema_differences(engine) == []


@pytest.mark.postgres
def test_two_workers_starting_together_on_a_fresh_postgresql_database_both_succeed() -> None:
    import alembic.command  # noqa: F401  both threads reach the DDL together, not after an import

    with fresh_database() as url:
        engines = [create_engine(url), create_engine(url)]
        start = threading.Barrier(2)
        failures: list[BaseException] = []

        def start_worker(engine: Engine) -> None:
            start.wait()
            try:
                create_schema(engine)
            except BaseException as exc:
                failures.append(exc)

        workers = [threading.Thread(target=start_worker, args=(e,)) for e in engines]
        for w in workers:
            w.start()
        for w in workers:
            w.join(60)
        assert failures == []
        with engines[0].connect() as connection:
            assert connection.scalar(text("SELECT version_num FROM alembic_version")) == head_revision()
        for engine in engines:
            engine.dispose()


def test_two_processes_starting_together_on_a_fresh_sqlite_data_folder_both_succeed(tmp_path: Path) -> None:
    processes = [subprocess.Popen([sys.executable, "-m", "agent.cli", "migrate", "--data-dir", str(tmp_path)],
                                  cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in range(2)]
    outputs = [p.communicate(timeout=120) for p in processes]
    assert [p.returncode for p in processes] == [0, 0], outputs
    assert sum("migrated" in out for out, _err in outputs) == 1


def test_an_up_to_date_database_opens_without_loading_alembic(tmp_path: Path) -> None:
    create_schema(get_engine(sqlite_url(tmp_path)))
    probe = ("import sys; from pathlib import Path; from tools.db.shop import open_shop; "
             f"open_shop({sqlite_url(tmp_path)!r}, Path({str(tmp_path)!r})); "
             "print('alembic' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT,
                            timeout=60)
    assert result.stdout.strip() == "False", result.stderr


def test_the_head_is_the_newest_revision_file() -> None:
    from alembic.script import ScriptDirectory

    from tools.db.migrate import MIGRATIONS

    scripts = ScriptDirectory(str(MIGRATIONS))
    assert scripts.get_current_head() == head_revision()
    for script in scripts.walk_revisions():
        assert Path(script.path).stem == script.revision, "name a revision's file after its id"


def test_a_database_from_a_newer_sarto_is_refused_with_a_message(tmp_path: Path) -> None:
    engine = create_engine(sqlite_url(tmp_path))
    migrate(engine)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0099_from_the_future'"))

    result = sarto("migrate", "--data-dir", str(tmp_path))
    assert result.returncode == 2
    assert "0099_from_the_future" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(("args", "says"), [
    (["--database-url", "postgresql+psycopg://nobody@127.0.0.1:1/shop"], "cannot reach the database"),
    (["--database-url", "not a url"], "not a database URL"),
])
def test_an_unreachable_or_malformed_database_exits_2_with_a_message(args: list[str], says: str) -> None:
    result = sarto("migrate", *args)
    assert result.returncode == 2
    assert says in result.stderr and "Traceback" not in result.stderr
