"""Imports through the API: a file uploaded as a job, run by the background worker, polled for
its status, counts and errors with line numbers; every bad request a problem document."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar import Litestar

from portal.config import Settings
from portal.integration.api_keys import create_api_key
from portal.integration.scopes import Scope
from portal.integration.tables import ImportJob
from portal.jobs.worker import run_queued_jobs
from portal.mail import Postbox, mailer_for
from portal.pricing.tables import PriceList
from portal.web.templating import build_environment
from tests.conftest import client_at
from tests.factories import make_price_list, make_product
from tests.integration.resources import LIST_PRICES, WAREHOUSES, list_prices, registered

DATA = Path(__file__).parent / "data"


@pytest.fixture
async def api(app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    """A client with an ERP's key, the test resources known to the API."""
    key = await create_api_key("erp", [Scope.STOCK, Scope.PRICES])
    with registered(LIST_PRICES, WAREHOUSES):
        async with client_at(app) as client:
            client.headers["Authorization"] = f"Bearer {key}"
            yield client


@pytest.fixture
async def price_list(app: Litestar) -> None:
    list_id = await make_price_list()
    await PriceList.update({PriceList.code: "HURT"}).where(PriceList.id == list_id)
    await make_product(sku="KAB-001")
    await make_product(sku="KAB-002")


async def run_jobs(app: Litestar, settings: Settings) -> None:
    postbox = Postbox(build_environment(auto_reload=False), mailer_for(settings), settings.base_url)
    await run_queued_jobs(app.state["jobs"], settings, postbox)


async def upload(client: httpx.AsyncClient, resource: str, file: tuple[str, bytes], **fields: Any) -> httpx.Response:
    files: dict[str, Any] = {"file": file}
    if "mapping" in fields:
        files["mapping"] = fields.pop("mapping")
    return await client.post("/api/v1/imports", data={"resource": resource, **fields}, files=files)


async def test_an_uploaded_export_is_queued_imported_by_the_worker_and_reported(
    api: httpx.AsyncClient, app: Litestar, settings: Settings, price_list: None
) -> None:
    answer = await upload(
        api,
        "test-list-prices",
        ("cennik.csv", (DATA / "cennik.csv").read_bytes()),
        mapping=("cennik.toml", (DATA / "cennik.toml").read_bytes()),
    )
    assert answer.status_code == 202, answer.text
    job = answer.json()
    assert job["status"] == "queued" and answer.headers["location"] == job["url"]

    queued = await api.get(job["url"])
    assert queued.status_code == 200 and queued.json()["status"] == "queued"

    await run_jobs(app, settings)
    done = (await api.get(job["url"])).json()
    assert done["status"] == "done"
    assert done["counts"] == {"created": 2, "updated": 0, "unchanged": 0, "stale": 0, "rejected": 0}
    assert (done["rows"], done["items"], done["applied"], done["errors"]) == (5, 2, True, [])
    assert await list_prices("HURT", "KAB-002") == {1: Decimal("12.3"), 100: Decimal("11.05"), 1000: Decimal("9.8")}
    # The file's bytes are let go once it is imported.
    assert await ImportJob.select(ImportJob.content).first() == {"content": b""}


async def test_a_dry_run_upload_reports_bad_rows_by_line_and_changes_nothing(
    api: httpx.AsyncClient, app: Litestar, settings: Settings, price_list: None
) -> None:
    content = "Cennik;Symbol;Od ilości;Cena netto;Waluta\nHURT;KAB-001;1;10,00;PLN\nHURT;KAB-404;1;abc;PLN\n"
    answer = await upload(
        api,
        "test-list-prices",
        ("cennik.csv", content.encode("cp1250")),
        mapping=("cennik.toml", (DATA / "cennik.toml").read_bytes()),
        dry_run="true",
    )
    assert answer.status_code == 202
    await run_jobs(app, settings)
    report = (await api.get(answer.json()["url"])).json()
    assert report["status"] == "done" and report["dry_run"] and not report["applied"]
    assert report["counts"]["created"] == 1 and report["counts"]["rejected"] == 1
    assert [(error["line"], error["column"], error["pointer"]) for error in report["errors"]] == [
        (3, "Cena netto", "/tiers/0/unit_price")
    ]
    assert await list_prices("HURT", "KAB-001") == {}


async def test_a_file_that_cannot_be_imported_fails_its_job_with_the_reason(
    api: httpx.AsyncClient, app: Litestar, settings: Settings
) -> None:
    answer = await upload(api, "test-warehouses", ("magazyny.csv", "Kod;Miasto\nW1;Łódź\n".encode()))
    assert answer.status_code == 202
    await run_jobs(app, settings)
    report = (await api.get(answer.json()["url"])).json()
    assert report["status"] == "failed"
    assert [(error["line"], error["column"]) for error in report["errors"]] == [(1, "Kod"), (1, "Miasto")]


async def test_json_lines_upload_without_a_mapping(api: httpx.AsyncClient, app: Litestar, settings: Settings) -> None:
    lines = b'{"code": "W1", "name": "A", "address": {"city": "\xc5\x81\xc3\xb3d\xc5\xba"}}\n{"code": "W2"}\n'
    answer = await upload(api, "test-warehouses", ("magazyny.jsonl", lines), full="false", atomic="0")
    assert answer.status_code == 202
    await run_jobs(app, settings)
    report = (await api.get(answer.json()["url"])).json()
    assert report["status"] == "done" and report["counts"]["created"] == 1
    assert {(error["line"], error["pointer"]) for error in report["errors"]} == {(2, "/name"), (2, "/address")}


@pytest.mark.parametrize(
    ("fields", "pointer"),
    [
        ({"resource": "nothing-like-it"}, "/resource"),
        ({"resource": "test-warehouses", "file": None}, "/file"),
        ({"resource": "test-warehouses", "file": ("w.xls", b"\xd0\xcf\x11\xe0")}, "/file"),
        ({"resource": "test-warehouses", "file": ("w.csv", b"")}, "/file"),
        ({"resource": "test-warehouses", "dry_run": "maybe"}, "/dry_run"),
        ({"resource": "test-warehouses", "mapping": ("m.toml", b'[columns]\nKod = "kod"\n')}, "/mapping/columns/Kod"),
        ({"resource": "test-warehouses", "mapping": ("m.toml", b"[columns\n")}, "/mapping"),
        ({"resource": "test-warehouses", "mapping": ("m.toml", b"\xff\xfe")}, "/mapping"),
        ({"resource": "test-warehouses", "mapping": 'resource = "test-list-prices"'}, "/mapping/resource"),
    ],
)
async def test_a_bad_upload_is_a_problem_pointing_at_the_part(
    api: httpx.AsyncClient, fields: dict[str, Any], pointer: str
) -> None:
    data = {name: value for name, value in fields.items() if isinstance(value, str)}
    files = {name: value for name, value in fields.items() if isinstance(value, tuple)}
    if "file" not in fields:
        files["file"] = ("w.csv", b"code;name;address.city\nW1;A;B\n")
    answer = await api.post("/api/v1/imports", data=data, files=files or {"other": ("x", b"x")})
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert pointer in [error["pointer"] for error in answer.json()["errors"]]
    assert await ImportJob.count() == 0


@pytest.mark.parametrize("resource", ["test-warehouses", "nothing-like-it"])
async def test_imports_need_a_key(app: Litestar, resource: str) -> None:
    with registered(WAREHOUSES):
        async with client_at(app) as anonymous:
            answer = await anonymous.post(
                "/api/v1/imports", data={"resource": resource}, files={"file": ("w.csv", b"code\nW1\n")}
            )
    assert answer.status_code == 401
    assert answer.headers["content-type"].startswith("application/problem+json")


async def test_an_import_is_shown_only_to_a_key_and_an_unknown_one_is_404(
    api: httpx.AsyncClient, app: Litestar
) -> None:
    missing = await api.get("/api/v1/imports/6f1c8c1e-0000-4000-8000-000000000000")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")
    answer = await upload(api, "test-warehouses", ("w.csv", b"code;name;address.city\nW1;A;B\n"))
    async with client_at(app) as anonymous:
        assert (await anonymous.get(answer.json()["url"])).status_code == 401
        # Without a key nobody learns whether an import exists.
        assert (await anonymous.get("/api/v1/imports/6f1c8c1e-0000-4000-8000-000000000000")).status_code == 401
    assert (await api.get("/api/v1/imports/not-a-uuid")).status_code == 404


async def test_an_upload_over_the_import_limit_is_refused_before_it_is_read(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from portal.app import create_app
    from portal.database import connection_pool

    small = create_app(settings.model_copy(update={"import_max_bytes": 64 * 1024}))
    key = ""
    async with connection_pool(small.state["engine"]):
        key = await create_api_key("erp", [Scope.STOCK])
        with registered(WAREHOUSES):
            async with client_at(small) as client:
                answer = await client.post(
                    "/api/v1/imports",
                    headers={"Authorization": f"Bearer {key}"},
                    data={"resource": "test-warehouses"},
                    files={"file": ("w.csv", b"code;name;address.city\n" + b"W1;A;B\n" * 20_000)},
                )
    assert answer.status_code == 413
    assert answer.headers["content-type"].startswith("application/problem+json")


async def test_the_report_speaks_the_uploaders_language(
    api: httpx.AsyncClient, app: Litestar, settings: Settings
) -> None:
    answer = await api.post(
        "/api/v1/imports",
        data={"resource": "test-warehouses"},
        files={"file": ("w.csv", b"Kod\nW1\n")},
        headers={"Accept-Language": "pl"},
    )
    await run_jobs(app, settings)
    report = (await api.get(answer.json()["url"])).json()
    assert report["status"] == "failed" and report["detail"] == "Tego pliku nie da się zaimportować."


async def test_an_import_needs_a_key_with_the_resources_scope(app: Litestar, api: httpx.AsyncClient) -> None:
    accepted = await upload(api, "test-warehouses", ("w.csv", b"code;name;address.city\nW1;A;B\n"))
    catalog_only = await create_api_key("catalog-feed", [Scope.CATALOG])
    async with client_at(app) as other:
        other.headers["Authorization"] = f"Bearer {catalog_only}"
        refused = await other.post(
            "/api/v1/imports", data={"resource": "test-warehouses"}, files={"file": ("w.csv", b"code\nW1\n")}
        )
        assert refused.status_code == 403
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert (await other.get(accepted.json()["url"])).status_code == 403
    assert await ImportJob.count() == 1
