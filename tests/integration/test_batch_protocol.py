"""The batch protocol every resource shares, pinned on a small resource of the test's own (depots
over the warehouse table), through the API as an ERP calls it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from portal.catalog.tables import Warehouse
from portal.integration.api_keys import create_api_key
from portal.integration.scopes import Scope
from portal.integration.tables import BatchLog, SyncedRecord
from tests.integration.depots import HEAD_OFFICE, RETIRED, depots_resource

pytestmark = pytest.mark.usefixtures(depots_resource.__name__)


@pytest.fixture
async def erp(app, client: httpx.AsyncClient) -> httpx.AsyncClient:
    client.headers["Authorization"] = f"Bearer {await create_api_key('erp', set(Scope))}"
    return client


async def send(erp: httpx.AsyncClient, **body: object) -> httpx.Response:
    return await erp.post("/api/v1/test-depots/batch", json=body)


async def depots() -> dict[str, tuple[str, str]]:
    return {row["code"]: (row["name"], row["city"]) for row in await Warehouse.select()}


def outcomes(response: httpx.Response) -> list[str]:
    return [result["outcome"] for result in response.json()["results"]]


async def test_the_same_batch_twice_creates_then_changes_nothing(erp) -> None:
    batch = {"upsert": [{"code": "WAW", "name": "Warszawa"}, {"code": "KRK", "name": "Kraków", "city": "Kraków"}]}
    first = await send(erp, **batch)
    assert first.status_code == 200
    assert outcomes(first) == ["created", "created"]
    ledger_before = await SyncedRecord.select(SyncedRecord.key, SyncedRecord.updated_at)

    second = await send(erp, **batch)

    assert outcomes(second) == ["unchanged", "unchanged"]
    assert second.json()["counts"]["unchanged"] == 2
    assert await SyncedRecord.select(SyncedRecord.key, SyncedRecord.updated_at) == ledger_before
    assert await depots() == {"WAW": ("Warszawa", ""), "KRK": ("Kraków", "Kraków")}


async def test_a_changed_item_is_updated(erp) -> None:
    await send(erp, upsert=[{"code": "WAW", "name": "Warszawa"}])
    answer = await send(erp, upsert=[{"code": "WAW", "name": "Warszawa Okęcie"}])
    assert outcomes(answer) == ["updated"]
    assert (await depots())["WAW"] == ("Warszawa Okęcie", "")


async def test_an_item_older_than_what_is_held_is_stale_and_ignored(erp) -> None:
    now = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)
    await send(erp, upsert=[{"code": "WAW", "name": "New name", "modified_at": now.isoformat()}])
    late = await send(
        erp, upsert=[{"code": "WAW", "name": "Old name", "modified_at": (now - timedelta(hours=1)).isoformat()}]
    )
    assert outcomes(late) == ["stale"]
    assert (await depots())["WAW"][0] == "New name"


async def test_bad_items_are_rejected_with_pointers_while_good_ones_are_kept(erp) -> None:
    answer = await send(
        erp,
        upsert=[
            {"code": "WAW", "name": "Warszawa"},
            {"code": "GDN"},
            {"code": "ATL", "name": "Atlantis", "city": "Atlantis"},
            "not an object",
        ],
        delete=[{"cod": "KRK"}],
    )
    assert answer.status_code == 200
    results = answer.json()["results"]
    assert [result["outcome"] for result in results] == ["created", "rejected", "rejected", "rejected", "rejected"]
    assert results[1]["errors"][0]["pointer"] == "/upsert/1/name"
    assert results[2]["errors"] == [{"pointer": "/upsert/2/city", "detail": "There is no such city."}]
    assert results[3]["errors"][0]["pointer"] == "/upsert/3"
    assert {error["pointer"] for error in results[4]["errors"]} == {"/delete/0/code", "/delete/0/cod"}
    assert set(await depots()) == {"WAW"}


async def test_an_atomic_batch_with_a_bad_item_writes_nothing(erp) -> None:
    answer = await send(
        erp, atomic=True, upsert=[{"code": "WAW", "name": "Warszawa"}, {"code": "ATL", "name": "A", "city": "Atlantis"}]
    )
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["errors"] == [{"pointer": "/upsert/1/city", "detail": "There is no such city."}]
    assert await depots() == {}
    assert await SyncedRecord.count() == 0
    assert (await send(erp, atomic=True, upsert=[{"code": "WAW", "name": "Warszawa"}])).status_code == 200


async def test_deleting_is_soft_and_deleting_what_is_gone_succeeds(erp) -> None:
    await send(erp, upsert=[{"code": "WAW", "name": "Warszawa"}])
    assert outcomes(await send(erp, delete=[{"code": "WAW"}])) == ["deleted"]
    assert (await depots())["WAW"] == ("Warszawa", RETIRED)
    assert outcomes(await send(erp, delete=[{"code": "WAW"}, {"code": "NEVER"}])) == ["deleted", "not_found"]
    assert outcomes(await send(erp, upsert=[{"code": "WAW", "name": "Warszawa"}])) == ["updated"]
    assert (await depots())["WAW"] == ("Warszawa", "")


async def test_every_batch_is_logged_with_its_counts_and_first_errors(erp) -> None:
    await send(erp, upsert=[{"code": "WAW", "name": "Warszawa"}, {"code": "GDN"}])
    log = await BatchLog.select().output(load_json=True).first()
    assert log is not None
    assert (log["resource"], log["integration"], log["source"]) == ("test-depots", "erp", "api")
    assert log["counts"]["created"] == 1 and log["counts"]["rejected"] == 1
    assert log["errors"][0]["pointer"] == "/upsert/1/name"


async def test_a_full_export_deactivates_what_it_left_out(erp) -> None:
    await send(erp, upsert=[{"code": code, "name": code} for code in ("A", "B", "C")])
    run = (await erp.post("/api/v1/sync-runs", json={"resource": "test-depots"})).json()
    await send(erp, sync_run=run["id"], upsert=[{"code": "A", "name": "A"}, {"code": "B", "name": "B2"}])

    closed = await erp.post(f"/api/v1/sync-runs/{run['id']}/close", json={})

    assert closed.status_code == 200
    assert (closed.json()["status"], closed.json()["contained"], closed.json()["deactivated"]) == ("closed", 2, 1)
    assert await depots() == {"A": ("A", ""), "B": ("B2", ""), "C": ("C", RETIRED)}
    again = await erp.post(f"/api/v1/sync-runs/{run['id']}/close", json={})
    assert again.status_code == 409
    assert (await send(erp, sync_run=run["id"], upsert=[{"code": "A", "name": "A"}])).status_code == 422


async def test_a_truncated_full_export_is_refused_and_wipes_nothing(erp) -> None:
    await send(erp, upsert=[{"code": f"D{number}", "name": "Depot"} for number in range(10)])
    run = (await erp.post("/api/v1/sync-runs", json={"resource": "test-depots"})).json()
    await send(erp, sync_run=run["id"], upsert=[{"code": "D0", "name": "Depot"}])

    refused = await erp.post(f"/api/v1/sync-runs/{run['id']}/close", json={})

    assert refused.status_code == 409
    assert "1 of the 10" in refused.json()["detail"]
    assert all(city != RETIRED for _name, city in (await depots()).values())
    assert (await erp.get(f"/api/v1/sync-runs/{run['id']}")).json()["status"] == "refused"


async def test_a_forced_close_deactivates_even_a_small_run(erp) -> None:
    await send(erp, upsert=[{"code": f"D{number}", "name": "Depot"} for number in range(4)])
    run = (await erp.post("/api/v1/sync-runs", json={"resource": "test-depots"})).json()
    await send(erp, sync_run=run["id"], upsert=[{"code": "D0", "name": "Depot"}])
    closed = await erp.post(f"/api/v1/sync-runs/{run['id']}/close", json={"force": True})
    assert closed.json()["deactivated"] == 3


async def test_a_record_the_resource_will_not_delete_outlives_the_run_that_left_it_out(erp) -> None:
    await send(erp, upsert=[{"code": code, "name": code} for code in ("A", HEAD_OFFICE)])
    run = (await erp.post("/api/v1/sync-runs", json={"resource": "test-depots"})).json()
    await send(erp, sync_run=run["id"], upsert=[{"code": "A", "name": "A"}])

    closed = (await erp.post(f"/api/v1/sync-runs/{run['id']}/close", json={})).json()

    assert (closed["status"], closed["deactivated"]) == ("closed", 0)
    assert "HQ: The head office is never retired." in closed["detail"]
    assert (await depots())[HEAD_OFFICE] == (HEAD_OFFICE, "")


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"[]", 400),
        (b"{not json", 400),
        (b'{"upsert": {}}', 422),
        (b'{"atomic": "yes"}', 422),
        (b'{"sync_run": 0}', 422),
        (b'{"sync_run": 999}', 422),
        (b'{"surprise": 1}', 422),
    ],
)
async def test_a_malformed_batch_is_a_problem_never_a_500(erp, body: bytes, status: int) -> None:
    answer = await erp.post("/api/v1/test-depots/batch", content=body, headers={"Content-Type": "application/json"})
    assert answer.status_code == status
    assert answer.headers["content-type"].startswith("application/problem+json")


async def test_more_than_a_thousand_items_are_refused(erp) -> None:
    answer = await send(
        erp,
        upsert=[{"code": f"D{number}", "name": "D"} for number in range(600)],
        delete=[{"code": f"D{number}"} for number in range(401)],
    )
    assert answer.status_code == 422
    assert await depots() == {}


async def test_without_a_key_nothing_is_read_or_written(client: httpx.AsyncClient) -> None:
    answer = await client.post("/api/v1/test-depots/batch", json={"upsert": [{"code": "WAW", "name": "W"}]})
    assert answer.status_code == 401
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert (await client.get("/api/v1/sync-runs/1")).status_code == 401
    assert await depots() == {}


async def test_an_unknown_resource_is_a_404_problem(erp) -> None:
    answer = await erp.post("/api/v1/unicorns/batch", json={})
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("application/problem+json")


async def test_a_key_without_the_resources_scope_is_refused_and_writes_nothing(app, client: httpx.AsyncClient) -> None:
    client.headers["Authorization"] = f"Bearer {await create_api_key('pim', {Scope.CATALOG})}"
    answer = await client.post("/api/v1/test-depots/batch", json={"upsert": [{"code": "WAW", "name": "W"}]})
    assert answer.status_code == 403
    assert "stock" in answer.json()["detail"]
    assert (await client.post("/api/v1/sync-runs", json={"resource": "test-depots"})).status_code == 403
    assert await depots() == {}
