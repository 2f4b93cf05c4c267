"""Nobody sees another company's data: every route walked as a user of another company."""

import hashlib
import re
from datetime import UTC, date, datetime
from decimal import Decimal

import httpx
import pytest
from litestar.routes import HTTPRoute

from portal.accounts.roles import Role
from portal.accounts.tables import CompanyKind, DeliveryAddress, Invitation, SsoConnection, SsoDomain
from portal.aftersales.tables import Attachment, AttachmentPurpose, Carrier, Complaint, Message, Parcel, Shipment
from portal.app import create_app
from portal.backoffice.inbox import notify
from portal.backoffice.tables import Notification, NotificationKind
from portal.catalog.tables import AssortmentEffect, AssortmentRule, Product, ProductDocument, ProductImage, StoredFile
from portal.integration.api_keys import create_api_key
from portal.integration.scopes import Scope as ApiScope
from portal.integration.tables import ApiKey, WebhookEndpoint
from portal.integration.webhook_endpoints import new_secret
from portal.ordering.cart import add_to_cart
from portal.ordering.tables import CartLine, Order, OrderStatus, RecurringOrder, ShoppingList
from tests.factories import (
    csrf_token,
    log_in,
    make_company,
    make_contract_price,
    make_person,
    make_priced_product,
)
from tests.finance.documents import make_invoice

# Ids of company A's objects, by the path parameter that carries them. A new route with an id
# parameter must be added here, so the walk below can never silently skip it.
PARAMETER_OBJECTS = {
    "membership_id",
    "invitation_id",
    "product_id",
    "document_id",
    "image_id",
    "line_id",
    "order_id",
    "list_id",
    "recurring_id",
    "invoice_id",
    "complaint_id",
    "shipment_id",
    "attachment_id",
    # The seller administrator's page of a company's single sign-on.
    "company_id",
    # A company's claim to an email domain, which only the seller's administrator decides.
    "claim_id",
    # The seller's API keys, which only the seller's administrator manages.
    "key_id",
    # The seller's webhook endpoints, likewise.
    "endpoint_id",
    # A line of the back office's inbox about a customer.
    "notification_id",
}
# Routes whose path parameter is a signed bearer token, not a company-scoped id.
TOKEN_ROUTES = {
    "/password/reset/{token:str}",
    "/invitations/{token:str}",
    "/approvals/{token:str}",
    "/static/{file_path:path}",
}
# The integration API answers the seller's API keys, never a person's session (its own tests
# pin that a call without a key reads nothing).
INTEGRATION_API = "/api/v1/"


async def _company_a():
    company = await make_company("Alfa Tajna Sp. z o.o.")
    admin = await make_person(company, Role.COMPANY_ADMIN, email="szef@alfa-tajna.example")
    buyer = await make_person(company, Role.BUYER, email="kupiec@alfa-tajna.example")
    rows = await Invitation.insert(
        Invitation(
            company=company,
            email="zaproszony@alfa-tajna.example",
            roles=["buyer"],
            expires_at=datetime(2099, 1, 1, tzinfo=UTC),
        )
    ).returning(Invitation.id)
    # A product only company A may see (others have it excluded), its datasheet, and a line of
    # A's buyer's cart priced by A's contract.
    product = await make_priced_product("9.99", "Alfa-tajna special", sku="ALFA-TAJNA-1")
    await make_contract_price(company, product, "5.55", reference="ALFA-TAJNA/1")
    content = b"%PDF-1.4 alfa-tajna"
    sha = hashlib.sha256(content).hexdigest()
    await StoredFile.insert(StoredFile(sha256=sha, media_type="application/pdf", size=len(content), content=content))
    document = await ProductDocument.insert(
        ProductDocument(product=product, kind="datasheet", title="alfa-tajna", filename="alfa-tajna.pdf", file=sha)
    ).returning(ProductDocument.id)
    picture = b"\x89PNG\r\n\x1a\n alfa-tajna"
    picture_sha = hashlib.sha256(picture).hexdigest()
    await StoredFile.insert(StoredFile(sha256=picture_sha, media_type="image/png", size=len(picture), content=picture))
    image = await ProductImage.insert(ProductImage(product=product, file=picture_sha)).returning(ProductImage.id)
    await add_to_cart(await buyer.scope(), product, "1")
    lines = await CartLine.select(CartLine.id)
    order = await Order.insert(
        Order(
            number="ZAM/2026/ALFA",
            company=company,
            placed_by=buyer.user_id,
            status=OrderStatus.AWAITING_APPROVAL,
            po_number="alfa-tajna-po",
            delivery_street="ul. Tajna 1",
            delivery_postal_code="00-001",
            delivery_city="Warszawa",
            payment_method="transfer",
            net_total=Decimal("5.55"),
            vat_total=Decimal("1.28"),
            gross_total=Decimal("6.83"),
            submission_key="alfa-tajna-submission-key",
        )
    ).returning(Order.id)
    return {
        "membership_id": buyer.membership_id,
        "invitation_id": rows[0]["id"],
        "product_id": product,
        "document_id": document[0]["id"],
        "image_id": image[0]["id"],
        "line_id": lines[0]["id"],
        "order_id": order[0]["id"],
        "list_id": (
            await ShoppingList.insert(
                ShoppingList(company=company, owner=buyer.user_id, name="alfa-tajna", shared=True)
            ).returning(ShoppingList.id)
        )[0]["id"],
        "recurring_id": (
            await RecurringOrder.insert(
                RecurringOrder(
                    company=company,
                    owner=buyer.user_id,
                    shopping_list=(await ShoppingList.select(ShoppingList.id).where(ShoppingList.company == company))[
                        0
                    ]["id"],
                    next_run_on=date(2099, 1, 1),
                    delivery_address=(
                        await DeliveryAddress.select(DeliveryAddress.id).where(DeliveryAddress.company == company)
                    )[0]["id"],
                )
            ).returning(RecurringOrder.id)
        )[0]["id"],
        "invoice_id": await make_invoice(
            company,
            "123.00",
            number="FV/ALFA-TAJNA/1",
            po_number="alfa-tajna-po",
            ksef_xml="<Faktura>alfa-tajna</Faktura>",
        ),
        **await _aftersales_of(company, order[0]["id"]),
        "complaint_id": await _complaint_of(company, order[0]["id"], buyer.user_id),
        "company_id": company,
        "claim_id": await _domain_claim_of(company),
        "key_id": await _seller_api_key(),
        "endpoint_id": await _seller_webhook_endpoint(),
        "notification_id": await _notification_of(company, order[0]["id"], buyer.user_id),
        "admin": admin,
    }


async def _domain_claim_of(company: int) -> int:
    connection = await SsoConnection.insert(
        SsoConnection(company=company, issuer="https://login.alfa-tajna.example", client_id="alfa-tajna")
    ).returning(SsoConnection.id)
    claim = await SsoDomain.insert(SsoDomain(connection=connection[0]["id"], domain="alfa-tajna.example")).returning(
        SsoDomain.id
    )
    return int(claim[0]["id"])


async def _seller_api_key() -> int:
    await create_api_key("alfa-tajna-erp", ApiScope)
    key = await ApiKey.select(ApiKey.id).where(ApiKey.name == "alfa-tajna-erp").first()
    assert key is not None
    return int(key["id"])


async def _seller_webhook_endpoint() -> int:
    endpoint = await WebhookEndpoint.insert(
        WebhookEndpoint(url="https://erp.alfa-tajna.example/hooks", event_types="order.submitted", secret=new_secret())
    ).returning(WebhookEndpoint.id)
    return int(endpoint[0]["id"])


async def _aftersales_of(company: int, order_id: int) -> dict[str, int]:
    """A shipment of company A's order with its parcel, and a photo A uploaded."""
    carrier = await Carrier.select(Carrier.id).where(Carrier.code == "dpd").output(as_list=True)
    shipment = await Shipment.insert(
        Shipment(number="WZ/ALFA-TAJNA", order=order_id, company=company, carrier=carrier[0])
    ).returning(Shipment.id)
    await Parcel.insert(Parcel(shipment=shipment[0]["id"], tracking_number="ALFA-TAJNA-PARCEL"))
    attachment = await Attachment.insert(
        Attachment(
            company=company,
            storage_key="aa/alfa-tajna",
            filename="alfa-tajna.jpg",
            content_type="image/jpeg",
            size=10,
            purpose=AttachmentPurpose.PHOTO,
        )
    ).returning(Attachment.id)
    return {"shipment_id": shipment[0]["id"], "attachment_id": attachment[0]["id"]}


async def _complaint_of(company: int, order_id: int, buyer_id: int) -> int:
    """A complaint about company A's order, with a message in its conversation."""
    complaint = await Complaint.insert(
        Complaint(
            number="REK/ALFA-TAJNA",
            company=company,
            order=order_id,
            submitted_by=buyer_id,
            reason="defective",
            description="alfa-tajna defect",
            wanted_resolution="replacement",
        )
    ).returning(Complaint.id)
    complaint_id: int = complaint[0]["id"]
    await Message.insert(
        Message(company=company, thread=f"complaint:{complaint_id}", author=buyer_id, body="alfa-tajna message")
    )
    await Message.insert(Message(company=company, thread=f"order:{order_id}", author=buyer_id, body="alfa-tajna order"))
    return complaint_id


async def _notification_of(company: int, order_id: int, buyer_id: int) -> int:
    """The back office's notification of company A's order."""
    await notify(NotificationKind.ORDER_PLACED, company, number="ZAM/2026/ALFA", actor_id=buyer_id, order_id=order_id)
    return int((await Notification.select(Notification.id).where(Notification.company == company))[0]["id"])


async def _intruder_company() -> int:
    """Company B, whose assortment leaves out company A's special product."""
    other = await make_company("Beta Sp. z o.o.")
    products = await Product.select(Product.id).where(Product.sku == "ALFA-TAJNA-1")
    await AssortmentRule.insert(
        AssortmentRule(company=other, effect=AssortmentEffect.EXCLUDE, product=products[0]["id"])
    )
    return other


# The seller's own catalog: its staff see every product (without any customer's prices).
SELLER_CATALOG_OBJECTS = {"product_id", "document_id", "image_id"}


async def _walk_routes_with_ids(
    client: httpx.AsyncClient, settings, ids: dict, allowed: set[int] | None = None, *, as_seller: bool = False
) -> int:
    """Every route with an id parameter, with company A's ids, by every method: each answers 404
    (or, when `allowed`, one of those statuses) and shows nothing of A. Answers how many."""
    token = csrf_token((await client.get("/")).text)
    walked = 0
    for route in create_app(settings).routes:
        if not isinstance(route, HTTPRoute) or route.path in TOKEN_ROUTES or route.path.startswith(INTEGRATION_API):
            continue
        parameters = re.findall(r"{(\w+):int}", route.path)
        if not parameters:
            continue
        assert set(parameters) <= PARAMETER_OBJECTS, f"{route.path}: teach this test about {parameters}"
        path = re.sub(r"{(\w+):int}", lambda m: str(ids[m.group(1)]), route.path)
        if as_seller and set(parameters) <= SELLER_CATALOG_OBJECTS:
            response = await client.get(path)
            assert response.status_code == 200, f"GET {path} answered {response.status_code}"
            assert "5.55" not in response.text and "ALFA-TAJNA/1" not in response.text
            continue
        for method in sorted(route.methods - {"HEAD", "OPTIONS"}):
            data = (
                {"_csrf_token": token, "roles": ["buyer"], "quantity": "1", "body": "x"} if method == "POST" else None
            )
            response = await client.request(method, path, data=data)
            assert response.status_code in (allowed or {404}), f"{method} {path} answered {response.status_code}"
            assert "alfa-tajna" not in response.text.lower()
            walked += 1
    return walked


async def test_every_route_with_an_id_answers_404_to_another_companys_admin(
    client: httpx.AsyncClient, settings
) -> None:
    ids = await _company_a()
    other = await _intruder_company()
    intruder = await make_person(other, Role.COMPANY_ADMIN, Role.BUYER, Role.APPROVER)
    await log_in(client, intruder.email)
    assert await _walk_routes_with_ids(client, settings, ids) >= 5


async def test_every_route_with_an_id_hides_a_customer_from_a_sales_rep_of_others(
    client: httpx.AsyncClient, settings
) -> None:
    """The rep of two other customers: company A's objects do not exist for them, except where
    the rep's role lacks the page's permission altogether (403 whatever the id)."""
    ids = await _company_a()
    seller = await make_company("Hurtownia", kind=CompanyKind.SELLER)
    rep = await make_person(seller, Role.SALES_REP)
    for name in ("Budmax Sp. z o.o.", "Elektroplus Sp. z o.o."):
        await make_company(name, sales_rep_id=rep.user_id)
    await log_in(client, rep.email)
    assert await _walk_routes_with_ids(client, settings, ids, allowed={403, 404}, as_seller=True) >= 5


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/company",
        "/company/users",
        "/company/audit",
        "/order",
        "/order?q=alfa",
        "/cart",
        "/orders",
        "/orders?q=alfa",
        "/approvals",
        "/finance",
        "/invoices",
        "/invoices?q=alfa",
        "/invoices/export.csv",
        "/complaints",
        "/complaints?status=all",
        "/deliveries",
        "/deliveries?status=all",
    ],
)
async def test_pages_without_ids_show_only_the_callers_company(client: httpx.AsyncClient, path: str) -> None:
    await _company_a()
    other = await _intruder_company()
    intruder = await make_person(other, Role.COMPANY_ADMIN, Role.BUYER, Role.APPROVER)
    await log_in(client, intruder.email)
    response = await client.get(path)
    assert response.status_code == 200
    assert "alfa-tajna" not in response.text.lower() and "Alfa Tajna" not in response.text
    assert "5.55" not in response.text


async def test_a_sales_rep_sees_only_assigned_customers(client: httpx.AsyncClient) -> None:
    seller = await make_company("Hurtownia", kind=CompanyKind.SELLER)
    rep = await make_person(seller, Role.SALES_REP)
    await make_company("Mój Klient Sp. z o.o.", sales_rep_id=rep.user_id)
    await make_company("Cudzy Klient Sp. z o.o.")
    await log_in(client, rep.email)
    home = await client.get("/")
    assert "Mój Klient Sp. z o.o." in home.text
    assert "Cudzy Klient" not in home.text
