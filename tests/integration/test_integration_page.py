"""The seller administrator's Integration page: keys made, rotated and revoked (a key shown once),
what the ERP sent lately, and a warning when a scope's data is older than its expected cadence.
Nobody else sees it: not the seller's other staff, not any customer's people."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest
from pydantic import Field

from portal import clock
from portal.accounts.roles import Role
from portal.accounts.tables import AuditEntry, CompanyKind
from portal.config import Settings, load_settings
from portal.i18n import use_locale
from portal.integration import office_routes
from portal.integration.api_keys import KeyState, api_key_named, client_for_key, create_api_key
from portal.integration.batch import Outcome, apply_batch
from portal.integration.events import read_feed, relay_events
from portal.integration.labels import key_state_label, outcome_label
from portal.integration.outbox import emit
from portal.integration.resources import Applied, ErpItem, Rejected, Resource
from portal.integration.scopes import Scope
from portal.integration.sync_status import expected_cadences, scope_syncs
from portal.integration.tables import ApiKey, BatchLog, SyncRun, SyncRunStatus
from portal.web.security import CONTENT_SECURITY_POLICY
from tests.factories import Person, csrf_token, log_in, make_company, make_person

PAGE = "/office/integration"
HTMX = {"HX-Request": "true"}


class StockItem(ErpItem):
    sku: str = Field(description="The product's SKU.", max_length=40)
    quantity: int = Field(description="Units on hand.", ge=0)


async def _upsert(item: StockItem) -> Applied:
    if item.sku.startswith("UNKNOWN"):
        raise Rejected("sku", f"No product has the SKU {item.sku}.")
    return Applied.CREATED


async def _delete(_key: dict[str, str]) -> bool:
    return False


def resource(name: str, scope: Scope) -> Resource[Any]:
    return Resource(name, scope, StockItem, ("sku",), _upsert, _delete, summary=name)


RESOURCES = {
    r.name: r
    for r in (
        resource("stock-levels", Scope.STOCK),
        resource("price-lists", Scope.PRICES),
        resource("products", Scope.CATALOG),
        resource("invoices", Scope.FINANCE),
    )
}


@pytest.fixture(autouse=True)
def erp_resources(monkeypatch: pytest.MonkeyPatch) -> dict[str, Resource[Any]]:
    """The page lists the resources capabilities register; these stand in for them."""
    monkeypatch.setattr(office_routes, "ERP_RESOURCES", RESOURCES)
    return RESOURCES


@dataclass(frozen=True)
class People:
    seller_admin: Person
    back_office: Person
    sales_rep: Person
    customer_admin: Person
    buyer: Person


@pytest.fixture
async def people(app: Any) -> People:
    seller = await make_company("Hurtownia", kind=CompanyKind.SELLER)
    customer = await make_company("Budmax Sp. z o.o.")
    return People(
        seller_admin=await make_person(seller, Role.SELLER_ADMIN),
        back_office=await make_person(seller, Role.BACK_OFFICE),
        sales_rep=await make_person(seller, Role.SALES_REP),
        customer_admin=await make_person(customer, Role.COMPANY_ADMIN),
        buyer=await make_person(customer, Role.BUYER),
    )


@pytest.fixture
async def admin(client: httpx.AsyncClient, people: People) -> httpx.AsyncClient:
    await log_in(client, people.seller_admin.email)
    return client


async def post(client: httpx.AsyncClient, path: str, data: dict[str, Any], **kwargs: Any) -> httpx.Response:
    token = csrf_token((await client.get("/")).text)
    return await client.post(path, data={**data, "_csrf_token": token}, **kwargs)


def new_key_in(html: str) -> str:
    marker = 'id="new-key-value" value="'
    assert marker in html, "no new key on the answer"
    return html.split(marker, 1)[1].split('"', 1)[0]


def key_row(html: str, key_id: int) -> str:
    return html.split(f'<tr id="key-{key_id}"', 1)[1].split("</tr>", 1)[0]


async def log_batch(name: str, ago: timedelta, *, applied: bool = True) -> None:
    await BatchLog.insert(BatchLog(resource=name, received_at=clock.now() - ago, applied=applied, counts={}))


# --- who sees it ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["back_office", "sales_rep", "customer_admin", "buyer"])
async def test_nobody_but_the_seller_admin_finds_the_page(client: httpx.AsyncClient, people: People, who: str) -> None:
    key = await create_api_key("erp", Scope)
    key_id = (await api_key_named("erp")).id
    await log_in(client, getattr(people, who).email)

    assert (await client.get(PAGE)).status_code == 404
    assert "/office/integration" not in (await client.get("/")).text
    made = await post(client, f"{PAGE}/keys", {"name": "intruder", "scopes": ["catalog"]})
    rotated = await post(client, f"{PAGE}/keys/{key_id}/rotate", {})
    revoked = await post(client, f"{PAGE}/keys/{key_id}/revoke", {})

    assert made.status_code == rotated.status_code == revoked.status_code == 404
    assert "pk_" not in made.text + rotated.text + revoked.text
    assert await ApiKey.count() == 1
    assert await client_for_key(f"Bearer {key}", "10.0.0.1") is not None


async def test_the_seller_admin_finds_it_in_the_navigation(admin: httpx.AsyncClient) -> None:
    home = await admin.get("/")
    assert 'href="/office/integration"' in home.text
    response = await admin.get(PAGE)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    for section in ('id="freshness"', 'id="keys"', 'id="batches"', 'id="runs"'):
        assert section in response.text


async def test_a_person_without_a_session_is_sent_to_log_in(client: httpx.AsyncClient) -> None:
    response = await client.get(PAGE)
    assert response.status_code in (302, 303) and "/login" in response.headers["location"]


# --- keys ------------------------------------------------------------------------------------------


async def test_the_admin_makes_a_key_that_is_shown_once(admin: httpx.AsyncClient, people: People) -> None:
    made = await post(admin, f"{PAGE}/keys", {"name": "erp", "scopes": ["catalog", "prices"]}, headers=HTMX)

    assert made.status_code == 200
    assert made.text.lstrip().startswith('<section class="card" id="keys"')
    key = new_key_in(made.text)
    assert key.startswith("pk_") and "not shown again" in made.text
    client = await client_for_key(f"Bearer {key}", "10.0.0.1")
    assert client is not None and client.scopes == {Scope.CATALOG, Scope.PRICES}
    again = await admin.get(PAGE)
    assert key not in again.text and "erp" in again.text and "Catalog, Prices" in again.text
    entry = await AuditEntry.select().where(AuditEntry.action == "api_key.created").first()
    assert entry is not None and entry["actor"] == people.seller_admin.user_id


async def test_a_plain_form_gets_the_whole_page_with_the_key(admin: httpx.AsyncClient) -> None:
    made = await post(admin, f"{PAGE}/keys", {"name": "wms", "scopes": ["stock"]})

    assert made.status_code == 200 and "<html" in made.text
    assert new_key_in(made.text).startswith("pk_")
    assert 'id="batches"' in made.text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "erp", "scopes": []}, "Choose at least one scope"),
        ({"name": "erp", "scopes": ["catalog", "root"]}, "Unknown scope root"),
        ({"name": "", "scopes": ["catalog"]}, "1 to 60 characters"),
        ({"name": "taken", "scopes": ["catalog"]}, "A key named taken already exists"),
    ],
)
async def test_a_bad_key_form_is_answered_in_place(
    admin: httpx.AsyncClient, data: dict[str, Any], message: str
) -> None:
    await create_api_key("taken", [Scope.STOCK])
    refused = await post(admin, f"{PAGE}/keys", data, headers=HTMX)

    assert refused.status_code == 422
    assert message in refused.text and 'id="new-key"' not in refused.text
    assert await ApiKey.count() == 1


async def test_rotating_shows_the_new_key_and_keeps_the_old_one_for_the_grace_period(
    admin: httpx.AsyncClient, settings: Any
) -> None:
    old = await create_api_key("erp", [Scope.STOCK])
    key_id = (await api_key_named("erp")).id

    rotated = await post(admin, f"{PAGE}/keys/{key_id}/rotate", {}, headers=HTMX)

    assert rotated.status_code == 200
    new = new_key_in(rotated.text)
    assert new != old and "The old key keeps working until" in rotated.text
    assert "rotating until" in rotated.text
    assert await client_for_key(f"Bearer {old}", "10.0.0.1") is not None
    assert await client_for_key(f"Bearer {new}", "10.0.0.1") is not None
    view = await api_key_named("erp")
    assert view.state(clock.now()) is KeyState.ROTATING
    assert view.previous_expires_at is not None
    assert abs(view.previous_expires_at - (clock.now() + timedelta(hours=settings.api_key_rotation_grace_hours))) < (
        timedelta(minutes=1)
    )
    assert await AuditEntry.count().where(AuditEntry.action == "api_key.rotated") == 1


async def test_revoking_stops_the_key_at_once_and_says_so(admin: httpx.AsyncClient) -> None:
    key = await create_api_key("erp", [Scope.STOCK])
    key_id = (await api_key_named("erp")).id

    revoked = await post(admin, f"{PAGE}/keys/{key_id}/revoke", {})

    assert revoked.status_code == 303 and revoked.headers["location"] == PAGE
    assert await client_for_key(f"Bearer {key}", "10.0.0.1") is None
    page = await admin.get(PAGE)
    assert "The key erp is revoked" in page.text and "revoked" in page.text
    assert f"/office/integration/keys/{key_id}/rotate" not in page.text
    # A revoked key cannot be rotated back to life.
    again = await post(admin, f"{PAGE}/keys/{key_id}/rotate", {}, headers=HTMX)
    assert again.status_code == 409 and "pk_" not in again.text


async def test_a_key_that_does_not_exist_is_404(admin: httpx.AsyncClient) -> None:
    assert (await post(admin, f"{PAGE}/keys/999999/rotate", {})).status_code == 404
    assert (await post(admin, f"{PAGE}/keys/999999/revoke", {})).status_code == 404


async def test_the_page_shows_each_keys_last_use(admin: httpx.AsyncClient) -> None:
    key = await create_api_key("erp", [Scope.STOCK])
    await create_api_key("idle", [Scope.CATALOG])
    await client_for_key(f"Bearer {key}", "198.51.100.7")

    page = await admin.get(PAGE)

    used, idle = (await api_key_named("erp")).id, (await api_key_named("idle")).id
    assert "from 198.51.100.7" in key_row(page.text, used) and "never" not in key_row(page.text, used)
    assert "never" in key_row(page.text, idle)


# --- freshness ------------------------------------------------------------------------------------


async def test_a_stale_scope_is_warned_about_and_a_fresh_one_is_not(admin: httpx.AsyncClient) -> None:
    await log_batch("stock-levels", timedelta(minutes=12))
    await log_batch("products", timedelta(minutes=30))
    await log_batch("invoices", timedelta(days=3))

    page = await admin.get(PAGE)

    assert 'id="sync-warnings"' in page.text
    assert 'id="overdue-stock"' in page.text and "not refreshed for 12 minutes; expected every 5 minutes" in page.text
    assert "(12 minutes ago)" in page.text
    # Prices never came at all; the catalog is within its hour; finance has no expectation.
    assert 'id="overdue-prices"' in page.text and "Prices: never synchronised" in page.text
    assert 'id="overdue-catalog"' not in page.text
    assert 'id="overdue-finance"' not in page.text


async def test_no_warning_when_every_expected_scope_is_fresh(admin: httpx.AsyncClient) -> None:
    await log_batch("stock-levels", timedelta(minutes=2))
    await log_batch("price-lists", timedelta(minutes=10))
    await log_batch("products", timedelta(minutes=59))

    page = await admin.get(PAGE)

    assert 'id="sync-warnings"' not in page.text and "overdue" not in page.text


async def test_an_atomic_batch_refused_as_a_whole_refreshes_nothing(admin: httpx.AsyncClient) -> None:
    await log_batch("price-lists", timedelta(minutes=1))
    await log_batch("products", timedelta(minutes=1))
    await log_batch("stock-levels", timedelta(minutes=30))
    await log_batch("stock-levels", timedelta(minutes=1), applied=False)

    page = await admin.get(PAGE)

    assert 'id="overdue-stock"' in page.text and "30 minutes" in page.text


async def test_cadences_come_from_the_settings(db: None, settings: Settings) -> None:
    await log_batch("stock-levels", timedelta(minutes=12))
    now = clock.now()

    relaxed = settings.model_copy(update={"sync_cadence_stock_minutes": None, "sync_cadence_prices_minutes": 30})
    syncs = {sync.scope: sync for sync in await scope_syncs(RESOURCES.values(), relaxed)}

    assert syncs[Scope.STOCK].cadence is None and not syncs[Scope.STOCK].overdue(now)
    assert syncs[Scope.PRICES].cadence == timedelta(minutes=30) and syncs[Scope.PRICES].overdue(now)
    default = {sync.scope: sync for sync in await scope_syncs(RESOURCES.values(), settings)}
    assert default[Scope.STOCK].cadence == timedelta(minutes=5) and default[Scope.STOCK].overdue(now)
    assert default[Scope.CATALOG].cadence == timedelta(minutes=60)


async def test_last_synchronised_is_the_newest_applied_batch_of_each_resource(db: None, settings: Settings) -> None:
    await log_batch("stock-levels", timedelta(minutes=40))
    await log_batch("stock-levels", timedelta(minutes=20))
    await log_batch("stock-levels", timedelta(minutes=1), applied=False)
    await log_batch("products", timedelta(hours=5))
    await log_batch("not-registered", timedelta(minutes=1))
    now = clock.now()

    syncs = {sync.scope: sync for sync in await scope_syncs(RESOURCES.values(), settings)}

    stock = syncs[Scope.STOCK].last_synced_at
    assert stock is not None and stock.tzinfo is not None
    assert timedelta(minutes=19) < now - stock < timedelta(minutes=21)
    assert [r.name for r in syncs[Scope.CATALOG].resources] == ["products"]
    assert syncs[Scope.PRICES].last_synced_at is None
    assert set(syncs) == {Scope.STOCK, Scope.PRICES, Scope.CATALOG, Scope.FINANCE}


# --- what was sent ---------------------------------------------------------------------------------


async def test_recent_batches_show_counts_and_first_errors(admin: httpx.AsyncClient) -> None:
    await apply_batch(
        RESOURCES["stock-levels"],
        [{"sku": "A-1", "quantity": 5}, {"sku": "UNKNOWN-9", "quantity": 1}, {"sku": "B-2", "quantity": -1}],
        [],
        integration="erp",
    )
    await apply_batch(RESOURCES["products"], [{"sku": "P-1", "quantity": 1}], [], integration="erp", source="file")

    page = await admin.get(PAGE)

    assert "created 1" in page.text and "rejected 2" in page.text
    assert "/upsert/1/sku" in page.text and "No product has the SKU UNKNOWN-9." in page.text
    assert "/upsert/2/quantity" in page.text
    assert ">file<" in page.text and ">API<" in page.text


async def test_batches_filter_by_resource_as_a_fragment(admin: httpx.AsyncClient) -> None:
    await apply_batch(RESOURCES["stock-levels"], [{"sku": "UNKNOWN-STOCK", "quantity": 1}], [])
    await apply_batch(RESOURCES["products"], [{"sku": "UNKNOWN-PRODUCT", "quantity": 1}], [])

    fragment = await admin.get(PAGE, params={"resource": "products"}, headers=HTMX)

    assert fragment.status_code == 200
    assert fragment.text.lstrip().startswith('<section class="card" id="batches"')
    assert "UNKNOWN-PRODUCT" in fragment.text and "UNKNOWN-STOCK" not in fragment.text
    everything = await admin.get(PAGE, params={"resource": "no-such-resource"})
    assert "UNKNOWN-PRODUCT" in everything.text and "UNKNOWN-STOCK" in everything.text


async def test_sync_runs_are_listed_with_a_refused_one_marked(admin: httpx.AsyncClient) -> None:
    await SyncRun.insert(
        SyncRun(resource="products", integration="erp", status=SyncRunStatus.CLOSED, contained=120, deactivated=3),
        SyncRun(
            resource="stock-levels",
            integration="erp",
            status=SyncRunStatus.REFUSED,
            contained=4,
            detail="4 of 900 records",
        ),
    )

    page = await admin.get(PAGE)

    assert "far smaller than what the portal holds" in page.text and "4 of 900 records" in page.text
    assert ">120<" in page.text and ">3<" in page.text


def test_every_outcome_and_key_state_has_a_polish_name() -> None:
    with use_locale("pl"):
        for outcome in Outcome:
            assert outcome_label(outcome.value) != outcome.value.replace("_", " ")
        for state in KeyState:
            assert key_state_label(state.value) != state.value


async def test_the_page_speaks_polish_durations_included(client: httpx.AsyncClient, app: Any) -> None:
    seller = await make_company("Hurtownia", kind=CompanyKind.SELLER)
    admin = await make_person(seller, Role.SELLER_ADMIN, locale="pl")
    await log_in(client, admin.email)
    await create_api_key("erp", [Scope.STOCK, Scope.PRICES])
    await log_batch("stock-levels", timedelta(hours=2))

    page = await client.get(PAGE, headers={"Accept-Language": "pl"})

    assert "Klucze API" in page.text and "Ceny, Stany magazynowe" in page.text
    assert "czas od ostatniej synchronizacji: 2 godziny; oczekiwany odstęp: 5 minut." in page.text


def test_an_empty_cadence_setting_switches_its_warning_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORTAL_SYNC_CADENCE_STOCK_MINUTES", "")
    monkeypatch.setenv("PORTAL_SYNC_CADENCE_PRICES_MINUTES", "30")
    settings = load_settings()
    assert settings.sync_cadence_stock_minutes is None
    assert expected_cadences(settings) == {Scope.PRICES: timedelta(minutes=30), Scope.CATALOG: timedelta(minutes=60)}


# --- the event feed --------------------------------------------------------------------------------


async def test_the_page_shows_how_far_behind_each_erp_reads_the_feed(admin: httpx.AsyncClient) -> None:
    for n in range(5):
        await emit("message.created", 1, {"n": n})
    await relay_events()
    await read_feed("erp-warehouse", 2)
    await read_feed("crm", 5)

    html = (await admin.get("/office/integration")).text

    feed = html.split('id="feed"', 1)[1].split("</section>", 1)[0]
    assert "The newest event is number 5." in feed
    behind = feed.split('id="feed-consumer-erp-warehouse"', 1)[1].split("</tr>", 1)[0]
    assert "<td>2</td>" in behind and '<span class="badge warning">3</span>' in behind
    assert "up to date" in feed.split('id="feed-consumer-crm"', 1)[1].split("</tr>", 1)[0]
