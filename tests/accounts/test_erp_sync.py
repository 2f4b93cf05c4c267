"""Customers and their administrators from the seller's ERP, through the batch protocol: keyed by
codes, checked (NIP, VAT number, references) item by item, addresses kept for the orders that
point at them, a deleted customer blocked from ordering, and administrators invited by a mail that
leaves only once the batch has committed."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, cast

import httpx
import pytest

from portal.accounts.companies import blocked_from_ordering, company_profile, customers_for
from portal.accounts.jobs import send_due_invitations
from portal.accounts.login import load_cached_scope, load_scope
from portal.accounts.members import accept_invitation, open_invitation
from portal.accounts.roles import Role
from portal.accounts.scope import Scope
from portal.accounts.tables import (
    Company,
    CompanyKind,
    CompanyStatus,
    DeliveryAddress,
    Invitation,
    Membership,
    SsoConnection,
    SsoDomain,
)
from portal.accounts.tokens import LinkSigner
from portal.approvals.requests import decide_in_portal
from portal.catalog.search import visible_products
from portal.catalog.tables import Category, ProductGroup
from portal.config import Settings
from portal.errors import Conflict, Invalid
from portal.finance.credit import credit_status
from portal.finance.tables import CreditAccount
from portal.i18n import use_locale
from portal.integration.batch import BatchReport, Outcome, apply_batch
from portal.integration.erp_resources import ERP_RESOURCES
from portal.jobs import JOB_MODULES, JobContext, JobQueue
from portal.jobs.registry import spec_for
from portal.mail import Postbox, mailer_for
from portal.ordering import cart
from portal.ordering.checkout import CheckoutForm, checkout_view, place_order
from portal.ordering.tables import Order, OrderStatus, RecurringOrder, ShoppingList
from portal.pricing import PriceSource, resolve_prices
from portal.pricing.tables import CustomerGroup, CustomerGroupMember
from portal.web.templating import build_environment
from tests.conftest import BASE_URL
from tests.factories import (
    PASSWORD,
    assign_price_list,
    log_in,
    make_category,
    make_company,
    make_customer_group,
    make_person,
    make_price_list,
    make_priced_product,
    make_product,
    make_product_group,
    random_nip,
)
from tests.mailbox import Mailbox

CUSTOMERS = ERP_RESOURCES["customers"]
ADMINISTRATORS = ERP_RESOURCES["customer-administrators"]

pytestmark = pytest.mark.usefixtures("db")


def address(code: str, *, default: bool = False, **fields: Any) -> dict[str, Any]:
    return {
        "code": code,
        "label": f"Magazyn {code}",
        "street": f"ul. Składowa {code}",
        "postal_code": "00-951",
        "city": "Warszawa",
        "is_default": default,
        **fields,
    }


def customer(code: str | None = None, **fields: Any) -> dict[str, Any]:
    """A customer item as an ERP sends it; what a test does not care about is random."""
    return {
        "code": code or f"K-{uuid.uuid4().hex[:6]}",
        "name": "Budmax Sp. z o.o.",
        "nip": random_nip(),
        "billing_street": "ul. Budowlana 12",
        "billing_postal_code": "30-001",
        "billing_city": "Kraków",
        "delivery_addresses": [address("MAG-1", default=True)],
        **fields,
    }


def outcomes(report: BatchReport) -> list[Outcome]:
    return [result.outcome for result in report.results]


def pointers(report: BatchReport) -> list[str]:
    return [error.pointer for error in report.errors]


async def company_of(code: str) -> dict[str, Any]:
    row = await Company.select().where(Company.code == code).first()
    assert row is not None, code
    return row


async def buyer_of(code: str, *roles: Role) -> Scope:
    person = await make_person((await company_of(code))["id"], *(roles or (Role.BUYER,)))
    return await person.scope()


async def code_of(table: Any, row_id: int) -> str:
    return str((await table.select(table.code).where(table.id == row_id).first())["code"])


# --- Customers ------------------------------------------------------------------------------------


async def test_the_documented_examples_are_items_the_resources_take() -> None:
    for resource in (CUSTOMERS, ADMINISTRATORS):
        example = resource.example
        assert example is not None
        item = resource.item_type.model_validate(example)
        assert resource.key_of(item) == {name: example[name] for name in resource.key_fields}


async def test_a_customer_arrives_with_its_terms_and_the_same_batch_again_changes_nothing() -> None:
    seller = await make_company(kind=CompanyKind.SELLER)
    rep = await make_person(seller, Role.SALES_REP, email=f"rep-{uuid.uuid4().hex[:6]}@hurtex.example")
    group_id = await make_customer_group()
    grouped = await make_product(sku=f"GRP-{uuid.uuid4().hex[:6]}")
    await assign_price_list(await make_price_list(prices={grouped: "7.50"}), customer_group_id=group_id)
    hidden_category = await make_category()
    hidden = await make_product(category_id=hidden_category)
    shown = await make_product()
    nip = random_nip()
    item = customer(
        "K-1",
        vat_id=f"PL{nip}",
        nip=f"{nip[:3]}-{nip[3:6]}-{nip[6:8]}-{nip[8:]}",
        delivery_addresses=[address("MAG-1"), address("MAG-2", default=True)],
        payment_days=30,
        credit_limit="150000.00",
        sales_rep=rep.email.upper(),
        customer_group=await code_of(CustomerGroup, group_id),
        assortment=[{"effect": "exclude", "category": await code_of(Category, hidden_category)}],
    )

    created = await apply_batch(CUSTOMERS, [item], [])
    again = await apply_batch(CUSTOMERS, [item], [])

    assert outcomes(created) == [Outcome.CREATED]
    assert outcomes(again) == [Outcome.UNCHANGED]
    company = await company_of("K-1")
    assert (company["nip"], company["vat_id"], company["kind"]) == (nip, f"PL{nip}", CompanyKind.CUSTOMER)
    buyer = await buyer_of("K-1")
    profile = await company_profile(buyer)
    assert profile.payment_days == 30 and profile.sales_rep_email == rep.email
    assert [(a.label, a.is_default) for a in profile.delivery_addresses] == [
        ("Magazyn MAG-2", True),
        ("Magazyn MAG-1", False),
    ]
    credit = await credit_status(buyer)
    assert (credit.limit, credit.open_balance) == (Decimal("150000.00"), Decimal("0.00"))
    quote = (await resolve_prices(buyer, {grouped: 1}))[grouped]
    assert (quote.source, quote.unit_price) == (PriceSource.GROUP_LIST, Decimal("7.50"))
    assert [p.id for p in await visible_products(buyer, [hidden, shown])] == [shown]
    assert [row.name for row in await customers_for(await rep.scope())] == ["Budmax Sp. z o.o."]


async def test_a_changed_name_is_what_the_companys_people_see_on_their_next_request() -> None:
    await apply_batch(CUSTOMERS, [customer("K-1", name="Budmax Sp. z o.o.")], [])
    buyer = await buyer_of("K-1")
    cached = await load_cached_scope(buyer.user_id, buyer.company_id, "")
    assert cached is not None and cached.company_name == "Budmax Sp. z o.o."

    report = await apply_batch(
        CUSTOMERS, [customer("K-1", name="Budmax S.A.", nip=(await company_of("K-1"))["nip"])], []
    )

    assert outcomes(report) == [Outcome.UPDATED]
    after = await load_cached_scope(buyer.user_id, buyer.company_id, "")
    assert after is not None and after.company_name == "Budmax S.A."


async def test_a_stale_item_changes_nothing() -> None:
    item = customer("K-1", name="Nowsza nazwa")
    await apply_batch(CUSTOMERS, [{**item, "modified_at": "2026-11-02T10:00:00+01:00"}], [])

    report = await apply_batch(
        CUSTOMERS, [{**item, "name": "Starsza nazwa", "modified_at": "2026-11-01T10:00:00+01:00"}], []
    )

    assert outcomes(report) == [Outcome.STALE]
    assert (await company_of("K-1"))["name"] == "Nowsza nazwa"


async def test_a_nip_with_a_wrong_checksum_is_rejected_at_its_field_and_the_other_items_are_kept() -> None:
    nip = random_nip()
    wrong = nip[:9] + str((int(nip[9]) + 1) % 10)

    report = await apply_batch(CUSTOMERS, [customer("K-1"), customer("K-2", nip=wrong), customer("K-3")], [])

    assert outcomes(report) == [Outcome.CREATED, Outcome.REJECTED, Outcome.CREATED]
    assert report.errors[0].pointer == "/upsert/1/nip"
    assert "NIP" in report.errors[0].detail
    assert await Company.count().where(Company.code.is_in(["K-1", "K-2", "K-3"])) == 2


@pytest.mark.parametrize(
    ("vat_id", "accepted"),
    [
        ("DE123456789", True),
        ("ATU12345678", True),
        ("NL123456789B01", True),
        ("DE12345", False),
        ("XX123456789", False),
    ],
)
async def test_an_eu_vat_number_has_its_countrys_shape(vat_id: str, accepted: bool) -> None:
    report = await apply_batch(CUSTOMERS, [customer("K-1", vat_id=vat_id)], [])

    assert outcomes(report) == [Outcome.CREATED if accepted else Outcome.REJECTED]
    assert pointers(report) == ([] if accepted else ["/upsert/0/vat_id"])


async def test_a_polish_vat_number_is_the_companys_own_nip() -> None:
    report = await apply_batch(CUSTOMERS, [customer("K-1", vat_id="PL" + random_nip())], [])

    assert pointers(report) == ["/upsert/0/vat_id"]


async def test_a_nip_held_by_another_customer_is_rejected_and_a_portal_made_company_takes_its_code() -> None:
    portal_made = await make_company("Firma z portalu")
    nip = (await Company.select(Company.nip).where(Company.id == portal_made).output(as_list=True))[0]

    adopted = await apply_batch(CUSTOMERS, [customer("K-1", nip=nip)], [])
    duplicate = await apply_batch(CUSTOMERS, [customer("K-2", nip=nip)], [])

    assert outcomes(adopted) == [Outcome.UPDATED]
    assert (await company_of("K-1"))["id"] == portal_made
    assert pointers(duplicate) == ["/upsert/0/nip"]
    assert "K-1" in duplicate.errors[0].detail


async def test_an_address_problem_is_named_at_its_field() -> None:
    report = await apply_batch(
        CUSTOMERS,
        [
            customer("K-1", billing_postal_code="30001"),
            customer("K-2", delivery_addresses=[address("A"), address("B", default=True, postal_code="1")]),
            customer("K-3", delivery_addresses=[address("A", default=True), address("B", default=True)]),
            customer("K-4", delivery_addresses=[address("A", default=True), address("A")]),
        ],
        [],
    )

    assert pointers(report) == [
        "/upsert/0/billing_postal_code",
        "/upsert/1/delivery_addresses/1/postal_code",
        "/upsert/2/delivery_addresses",
        "/upsert/3/delivery_addresses",
    ]


@pytest.mark.parametrize(
    ("field", "value", "pointer"),
    [
        ("customer_group", "NO-SUCH-GROUP", "/upsert/0/customer_group"),
        ("sales_rep", "nobody@hurtex.example", "/upsert/0/sales_rep"),
        ("assortment", "unknown sku", "/upsert/0/assortment/2/sku"),
        ("assortment", "unknown category", "/upsert/0/assortment/0/category"),
        ("assortment", "two targets", "/upsert/0/assortment/1"),
    ],
)
async def test_an_unknown_reference_is_rejected_at_its_pointer(field: str, value: str, pointer: str) -> None:
    group = await code_of(ProductGroup, await make_product_group())
    sku = f"SKU-{uuid.uuid4().hex[:6]}"
    await make_product(sku=sku)
    category = await code_of(Category, await make_category())
    rules = [
        {"effect": "include", "category": "NO-SUCH-CATEGORY" if value == "unknown category" else category},
        {"effect": "include", "product_group": group, **({"sku": sku} if value == "two targets" else {})},
        {"effect": "exclude", "sku": "NO-SUCH-SKU" if value == "unknown sku" else sku},
    ]
    item = customer("K-1", **({"assortment": rules} if field == "assortment" else {field: value}))

    report = await apply_batch(CUSTOMERS, [item, customer("K-2")], [])

    assert outcomes(report) == [Outcome.REJECTED, Outcome.CREATED]
    assert pointers(report) == [pointer]
    assert not await Company.exists().where(Company.code == "K-1")


async def test_a_customers_own_person_is_no_sales_rep() -> None:
    other = await make_company()
    person = await make_person(other, Role.BUYER)

    report = await apply_batch(CUSTOMERS, [customer("K-1", sales_rep=person.email)], [])

    assert pointers(report) == ["/upsert/0/sales_rep"]


async def test_an_atomic_batch_with_a_bad_item_writes_nothing() -> None:
    report = await apply_batch(
        CUSTOMERS, [customer("K-1"), customer("K-2", customer_group="NO-SUCH-GROUP")], [], atomic=True
    )

    assert not report.applied
    assert outcomes(report) == [Outcome.CREATED, Outcome.REJECTED]
    assert not await Company.exists().where(Company.code.is_in(["K-1", "K-2"]))
    assert await DeliveryAddress.count() == 0


async def test_addresses_are_replaced_while_orders_keep_pointing_at_the_ones_gone() -> None:
    item = customer("K-1", delivery_addresses=[address("MAG-1", default=True), address("MAG-2")])
    await apply_batch(CUSTOMERS, [item], [])
    buyer = await buyer_of("K-1")
    old = await DeliveryAddress.select().where(DeliveryAddress.code == "MAG-1").first()
    assert old is not None
    shopping_list = await ShoppingList.insert(
        ShoppingList(company=buyer.company_id, owner=buyer.user_id, name="Co tydzień")
    ).returning(ShoppingList.id)
    await RecurringOrder.insert(
        RecurringOrder(
            company=buyer.company_id,
            owner=buyer.user_id,
            shopping_list=shopping_list[0]["id"],
            next_run_on=datetime(2027, 1, 4, tzinfo=UTC).date(),
            delivery_address=old["id"],
        )
    )

    replaced = {**item, "delivery_addresses": [address("MAG-2", street="ul. Nowa 5"), address("MAG-3", default=True)]}
    report = await apply_batch(CUSTOMERS, [replaced], [])

    assert outcomes(report) == [Outcome.UPDATED]
    profile = await company_profile(buyer)
    assert [(a.label, a.street, a.is_default) for a in profile.delivery_addresses] == [
        ("Magazyn MAG-3", "ul. Składowa MAG-3", True),
        ("Magazyn MAG-2", "ul. Nowa 5", False),
    ]
    kept = await DeliveryAddress.select().where(DeliveryAddress.id == old["id"]).first()
    assert kept is not None and not kept["is_active"] and not kept["is_default"]
    assert await RecurringOrder.exists().where(RecurringOrder.delivery_address == old["id"])
    await cart.add_to_cart(buyer, await make_priced_product(), "1")
    with pytest.raises(Invalid) as refused:
        await place_order(buyer, _checkout_form(old["id"]), *_mail_tools())
    assert "delivery_address_id" in refused.value.errors

    revived = await apply_batch(CUSTOMERS, [item], [])

    assert outcomes(revived) == [Outcome.UPDATED]
    assert (await DeliveryAddress.select(DeliveryAddress.is_active).where(DeliveryAddress.id == old["id"]).first()) == {
        "is_active": True
    }


async def test_the_credit_limit_changes_while_the_open_balance_stays_and_none_means_no_limit() -> None:
    await apply_batch(CUSTOMERS, [item := customer("K-1", credit_limit="1000.00")], [])
    company_id = (await company_of("K-1"))["id"]
    await CreditAccount.update({CreditAccount.open_balance: Decimal("400.00")}).where(
        CreditAccount.company == company_id
    )
    buyer = await buyer_of("K-1")

    await apply_batch(CUSTOMERS, [{**item, "credit_limit": "2500.00"}], [])
    raised = await credit_status(buyer)
    await apply_batch(CUSTOMERS, [{**item, "credit_limit": None}], [])
    unlimited = await credit_status(buyer)

    assert (raised.limit, raised.open_balance, raised.available) == (
        Decimal("2500.00"),
        Decimal("400.00"),
        Decimal("2100.00"),
    )
    assert unlimited.limit is None and unlimited.available is None


async def test_a_changed_group_and_assortment_replace_the_old_ones() -> None:
    first, second = await make_customer_group(), await make_customer_group()
    sku = f"SKU-{uuid.uuid4().hex[:6]}"
    product, other = await make_product(sku=sku), await make_product()
    item = customer(
        "K-1", customer_group=await code_of(CustomerGroup, first), assortment=[{"effect": "include", "sku": sku}]
    )
    await apply_batch(CUSTOMERS, [item], [])
    buyer = await buyer_of("K-1")
    assert [p.id for p in await visible_products(buyer, [product, other])] == [product]

    changed = {**item, "customer_group": await code_of(CustomerGroup, second), "assortment": []}
    report = await apply_batch(CUSTOMERS, [changed], [])

    assert outcomes(report) == [Outcome.UPDATED]
    assert [p.id for p in await visible_products(buyer, [product, other])] == [product, other]
    groups = CustomerGroupMember.select(CustomerGroupMember.group).where(
        CustomerGroupMember.company == buyer.company_id
    )
    assert await groups.output(as_list=True) == [second]


def _checkout_form(address_id: int) -> CheckoutForm:
    return CheckoutForm(f"erp-sync-{uuid.uuid4().hex}", "", str(address_id), "", "", False)


def _mail_tools() -> tuple[LinkSigner, Postbox]:
    return LinkSigner("test-secret", 3600), Postbox(build_environment(auto_reload=False), _Unsent(), BASE_URL)


class _Unsent:
    async def send(self, mail: object) -> None:
        raise AssertionError("placing an order composes its mails; nobody sends them here")


async def _default_address(company_id: int | None) -> int:
    row = (
        await DeliveryAddress.select(DeliveryAddress.id)
        .where((DeliveryAddress.company == company_id) & DeliveryAddress.is_default.eq(True))
        .first()
    )
    assert row is not None
    return int(row["id"])


async def test_a_deleted_customer_is_blocked_from_ordering_until_the_erp_sends_it_again() -> None:
    await apply_batch(CUSTOMERS, [item := customer("K-1")], [])
    buyer = await buyer_of("K-1")
    product = await make_priced_product()

    deleted = await apply_batch(CUSTOMERS, [], [{"code": "K-1"}])
    again = await apply_batch(CUSTOMERS, [], [{"code": "K-1"}])
    await cart.add_to_cart(buyer, product, "2")
    view = await checkout_view(buyer)
    with pytest.raises(Invalid) as refused:
        await place_order(buyer, _checkout_form(await _default_address(buyer.company_id)), *_mail_tools())

    assert outcomes(deleted) == [Outcome.DELETED] and outcomes(again) == [Outcome.DELETED]
    assert (await company_of("K-1"))["status"] == CompanyStatus.BLOCKED
    assert not view.can_submit and view.refusal == blocked_from_ordering()
    assert refused.value.errors == {"form": blocked_from_ordering()}
    assert not await Order.exists().where(Order.company == buyer.company_id)
    assert (await cart.cart_view(buyer)).lines, "the refused order left the cart as it was"
    # Still signed in: the people of a blocked customer see their orders and invoices.
    assert await load_scope(buyer.user_id, buyer.company_id, "") is not None

    revived = await apply_batch(CUSTOMERS, [item], [])
    placed = await place_order(buyer, _checkout_form(await _default_address(buyer.company_id)), *_mail_tools())

    assert outcomes(revived) == [Outcome.UPDATED]
    assert placed.status is OrderStatus.SENT_TO_SELLER


async def test_the_checkout_page_of_a_blocked_customer_says_why_it_cannot_order(client: httpx.AsyncClient) -> None:
    await apply_batch(CUSTOMERS, [customer("K-1")], [{"code": "K-1"}])
    buyer = await buyer_of("K-1")
    await cart.add_to_cart(buyer, await make_priced_product(), "1")
    await log_in(client, buyer.email)

    page = await client.get("/checkout")

    with use_locale("en"):
        assert blocked_from_ordering() in page.text
    button = re.search(r'<button type="submit" class="primary"[^>]*>', page.text)
    assert button is not None and "disabled" in button.group(0)


async def test_an_order_waiting_for_approval_is_not_approved_once_the_customer_is_deleted() -> None:
    await apply_batch(CUSTOMERS, [customer("K-1")], [])
    requester = await buyer_of("K-1", Role.REQUESTER)
    approver = await buyer_of("K-1", Role.APPROVER)
    await cart.add_to_cart(requester, await make_priced_product(), "1")
    placed = await place_order(requester, _checkout_form(await _default_address(requester.company_id)), *_mail_tools())
    assert placed.status is OrderStatus.AWAITING_APPROVAL

    await apply_batch(CUSTOMERS, [], [{"code": "K-1"}])

    with pytest.raises(Conflict) as refused:
        await decide_in_portal(approver, placed.order_id, True, "", *_mail_tools())
    assert refused.value.message == blocked_from_ordering()
    rejected = await decide_in_portal(approver, placed.order_id, False, "Konto zablokowane", *_mail_tools())
    assert rejected.status is OrderStatus.REJECTED


async def test_deleting_a_customer_the_portal_never_had_is_not_found() -> None:
    report = await apply_batch(CUSTOMERS, [], [{"code": "K-NONE"}])

    assert outcomes(report) == [Outcome.NOT_FOUND]


# --- Administrators --------------------------------------------------------------------------------


@pytest.fixture
async def postbox(settings: Settings) -> Postbox:
    return Postbox(build_environment(auto_reload=False), mailer_for(settings), settings.base_url)


@pytest.fixture
async def job_context(settings: Settings, postbox: Postbox) -> AsyncIterator[JobContext]:
    jobs = JobQueue.for_settings(settings)
    # What the worker hands the job, less the worker itself, which the job does not use.
    yield cast(JobContext, {"settings": settings, "postbox": postbox, "jobs": jobs})
    await jobs.close()


def administrator(customer_code: str = "K-1", **fields: Any) -> dict[str, Any]:
    return {
        "customer": customer_code,
        "email": "Jan.Kowalski@Budmax.example",
        "name": "Jan Kowalski",
        "locale": "en",
        **fields,
    }


def test_invitation_mails_go_out_on_the_workers_schedule() -> None:
    assert "portal.accounts.jobs" in JOB_MODULES
    assert spec_for(send_due_invitations).cron is not None


async def test_a_first_administrator_is_invited_by_one_mail_after_the_batch_commits(
    job_context: JobContext, mailbox: Mailbox, settings: Settings
) -> None:
    await apply_batch(CUSTOMERS, [customer("K-1", name="Budmax Sp. z o.o.")], [])

    created = await apply_batch(ADMINISTRATORS, [administrator()], [])
    assert not mailbox.messages, "no mail inside the batch"
    assert await send_due_invitations(job_context) == 1
    again = await apply_batch(ADMINISTRATORS, [administrator()], [])
    renamed = await apply_batch(ADMINISTRATORS, [administrator(name="Jan K. Kowalski")], [])

    assert outcomes(created) == [Outcome.CREATED]
    assert outcomes(again) == [Outcome.UNCHANGED]
    assert outcomes(renamed) == [Outcome.UPDATED]
    assert await send_due_invitations(job_context) == 0
    assert [message["To"] for message in mailbox.messages] == ["jan.kowalski@budmax.example"]
    message = mailbox.last_to("jan.kowalski@budmax.example")
    text = mailbox.text_of(message)
    assert "Budmax Sp. z o.o." in text and settings.seller_name in text
    token = mailbox.link_in(message, BASE_URL).removeprefix("/invitations/")
    signer = LinkSigner(settings.resolved_secret_key(), settings.token_max_age_seconds)
    invitation = await open_invitation(token, signer)
    assert (invitation.email, invitation.name) == ("jan.kowalski@budmax.example", "Jan K. Kowalski")

    user_id = await accept_invitation(token, signer, invitation.name, PASSWORD, PASSWORD, "127.0.0.1", "en")

    scope = await load_scope(user_id, (await company_of("K-1"))["id"], "")
    assert scope is not None and scope.roles == frozenset({Role.COMPANY_ADMIN})


async def test_an_invitation_in_a_batch_that_rolled_back_is_never_mailed(
    job_context: JobContext, mailbox: Mailbox
) -> None:
    await apply_batch(CUSTOMERS, [customer("K-1")], [])

    report = await apply_batch(
        ADMINISTRATORS, [administrator(), administrator("K-NONE", email="x@budmax.example")], [], atomic=True
    )

    assert not report.applied and pointers(report) == ["/upsert/1/customer"]
    assert await send_due_invitations(job_context) == 0
    assert not mailbox.messages
    assert await Invitation.count() == 0


async def test_a_member_becomes_an_administrator_without_a_mail(job_context: JobContext, mailbox: Mailbox) -> None:
    await apply_batch(CUSTOMERS, [customer("K-1")], [])
    buyer = await buyer_of("K-1")
    assert await load_cached_scope(buyer.user_id, buyer.company_id, "") is not None

    report = await apply_batch(ADMINISTRATORS, [administrator(email=buyer.email)], [])

    assert outcomes(report) == [Outcome.CREATED]
    cached = await load_cached_scope(buyer.user_id, buyer.company_id, "")
    assert cached is not None and cached.roles == frozenset({Role.BUYER, Role.COMPANY_ADMIN})
    assert await send_due_invitations(job_context) == 0
    assert not mailbox.messages


async def test_a_person_of_another_customer_is_invited_and_sees_nothing_of_this_one_before_accepting(
    job_context: JobContext, mailbox: Mailbox, settings: Settings
) -> None:
    await apply_batch(CUSTOMERS, [customer("K-1")], [])
    other = await make_company("Inna Firma")
    person = await make_person(other, Role.COMPANY_ADMIN)
    company_id = (await company_of("K-1"))["id"]

    report = await apply_batch(ADMINISTRATORS, [administrator(email=person.email)], [])
    await send_due_invitations(job_context)

    assert outcomes(report) == [Outcome.CREATED]
    before = await load_scope(person.user_id, company_id, "")
    assert before is not None and before.company_id is None and before.company_count == 1
    token = mailbox.link_in(mailbox.last_to(person.email), BASE_URL).removeprefix("/invitations/")
    signer = LinkSigner(settings.resolved_secret_key(), settings.token_max_age_seconds)
    with pytest.raises(Invalid):
        await accept_invitation(token, signer, "", "not their password", "", "127.0.0.1", "en")

    await accept_invitation(token, signer, "", PASSWORD, "", "127.0.0.1", "en")

    joined = await load_scope(person.user_id, company_id, "")
    assert joined is not None and joined.company_id == company_id and joined.company_count == 2


async def test_an_address_at_a_domain_another_company_signs_in_with_is_rejected() -> None:
    await apply_batch(CUSTOMERS, [customer("K-1")], [])
    other = await make_company("Firma z SSO")
    connection = await SsoConnection.insert(
        SsoConnection(company=other, issuer="https://login.sso.example", client_id="portal")
    ).returning(SsoConnection.id)
    await SsoDomain.insert(SsoDomain(connection=connection[0]["id"], domain="sso.example", status="verified"))

    report = await apply_batch(ADMINISTRATORS, [administrator(email="anna@sso.example")], [])

    assert pointers(report) == ["/upsert/0/email"]
    assert "sso.example" in report.errors[0].detail
    assert await Invitation.count() == 0


async def test_the_sellers_staff_and_unknown_customers_are_rejected() -> None:
    await apply_batch(CUSTOMERS, [customer("K-1")], [])
    seller = await make_company(kind=CompanyKind.SELLER)
    staff = await make_person(seller, Role.BACK_OFFICE)

    report = await apply_batch(
        ADMINISTRATORS,
        [administrator(email=staff.email), administrator("K-NONE"), administrator(email="not an email")],
        [],
    )

    assert pointers(report) == ["/upsert/0/email", "/upsert/1/customer", "/upsert/2/email"]


async def test_a_member_the_company_deactivated_is_not_reactivated_by_the_erp() -> None:
    await apply_batch(CUSTOMERS, [customer("K-1")], [])
    person = await make_person((await company_of("K-1"))["id"], Role.BUYER, active=False)

    report = await apply_batch(ADMINISTRATORS, [administrator(email=person.email)], [])

    assert pointers(report) == ["/upsert/0/email"]
    assert await Membership.exists().where((Membership.user == person.user_id) & Membership.is_active.eq(False))


async def test_deleting_revokes_a_pending_invitation_and_is_not_found_the_second_time(
    job_context: JobContext, mailbox: Mailbox
) -> None:
    await apply_batch(CUSTOMERS, [customer("K-1")], [])
    await apply_batch(ADMINISTRATORS, [administrator()], [])

    deleted = await apply_batch(ADMINISTRATORS, [], [{"customer": "K-1", "email": "jan.kowalski@budmax.example"}])
    again = await apply_batch(ADMINISTRATORS, [], [{"customer": "K-1", "email": "jan.kowalski@budmax.example"}])
    unknown = await apply_batch(ADMINISTRATORS, [], [{"customer": "K-1", "email": "nobody@budmax.example"}])

    assert outcomes(deleted) == [Outcome.DELETED] and outcomes(again) == [Outcome.DELETED]
    assert outcomes(unknown) == [Outcome.NOT_FOUND]
    assert await send_due_invitations(job_context) == 0, "a revoked invitation is not mailed"
    assert not mailbox.messages


async def test_deleting_takes_the_role_away_but_keeps_the_last_administrator_of_a_company_with_members() -> None:
    await apply_batch(CUSTOMERS, [customer("K-1")], [])
    company_id = (await company_of("K-1"))["id"]
    first = await make_person(company_id, Role.COMPANY_ADMIN, Role.BUYER)
    second = await make_person(company_id, Role.COMPANY_ADMIN)
    await make_person(company_id, Role.BUYER)

    demoted = await apply_batch(ADMINISTRATORS, [], [{"customer": "K-1", "email": first.email}])
    last = await apply_batch(ADMINISTRATORS, [], [{"customer": "K-1", "email": second.email}])

    assert outcomes(demoted) == [Outcome.DELETED]
    assert (await first.scope()).roles == frozenset({Role.BUYER})
    assert outcomes(last) == [Outcome.REJECTED] and pointers(last) == ["/delete/0/email"]
    assert second.email in last.errors[0].detail
    assert (await second.scope()).roles == frozenset({Role.COMPANY_ADMIN})


async def test_an_administrator_with_no_other_role_is_deactivated_when_the_erp_deletes_them() -> None:
    await apply_batch(CUSTOMERS, [customer("K-1")], [])
    company_id = (await company_of("K-1"))["id"]
    leaving = await make_person(company_id, Role.COMPANY_ADMIN)
    await make_person(company_id, Role.COMPANY_ADMIN)

    report = await apply_batch(ADMINISTRATORS, [], [{"customer": "K-1", "email": leaving.email}])

    assert outcomes(report) == [Outcome.DELETED]
    assert await load_cached_scope(leaving.user_id, company_id, "") is None
