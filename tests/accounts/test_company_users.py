"""A company admin invites, edits and deactivates colleagues; the last admin stays."""

import httpx

from portal.accounts.roles import Role
from portal.accounts.tables import AuditEntry, Invitation, Membership
from portal.i18n import gettext, use_locale
from tests.conftest import BASE_URL
from tests.factories import csrf_token, log_in, make_company, make_person
from tests.mailbox import Mailbox


async def _as_admin(client: httpx.AsyncClient, company: int | None = None):
    company = company or await make_company("BudMax Sp. z o.o.")
    admin = await make_person(company, Role.COMPANY_ADMIN)
    await log_in(client, admin.email)
    return company, admin


async def _post(client: httpx.AsyncClient, path: str, data: dict, **kwargs) -> httpx.Response:
    token = csrf_token((await client.get("/company/users")).text)
    return await client.post(path, data={**data, "_csrf_token": token}, **kwargs)


async def test_an_invited_colleague_accepts_from_the_emailed_link_and_is_in(
    client: httpx.AsyncClient, mailbox: Mailbox, settings
) -> None:
    company, _admin = await _as_admin(client)
    response = await _post(
        client,
        "/company/users/invitations",
        {"email": "Nowy.Kolega@BudMax.example", "roles": ["buyer"], "order_limit": "5 000,00", "monthly_limit": ""},
    )
    assert response.status_code == 303
    listing = await client.get("/company/users")
    assert "nowy.kolega@budmax.example" in listing.text and "Invitation sent" in listing.text

    message = mailbox.last_to("nowy.kolega@budmax.example")
    assert "BudMax Sp. z o.o." in message["Subject"]
    link = mailbox.link_in(message, BASE_URL)

    async with httpx.AsyncClient(transport=client._transport, base_url=BASE_URL) as colleague:
        opened = await colleague.get(link)
        assert opened.status_code == 200 and "BudMax Sp. z o.o." in opened.text
        assert await Invitation.count().where(Invitation.accepted_at.is_null()) == 1  # opening changed nothing
        accepted = await colleague.post(
            link,
            data={
                "name": "Nowy Kolega",
                "password": "bardzo-tajne-haslo",
                "password_confirmation": "bardzo-tajne-haslo",
                "_csrf_token": csrf_token(opened.text),
            },
        )
        assert accepted.status_code == 303
        home = await colleague.get("/")
        assert 'id="purchasing"' in home.text and "5\xa0000,00\xa0zł" in home.text  # Polish, as the page was
        again = await colleague.get(link)
        with use_locale("pl"):
            used = gettext("This invitation has already been used. Log in with your email and password.")
        assert again.status_code == 404 and used in again.text

    membership = (
        await Membership.select(Membership.roles, Membership.order_limit_minor)
        .where(Membership.company == company)
        .where(Membership.user.email == "nowy.kolega@budmax.example")
        .first()
    )
    assert membership == {"roles": ["buyer"], "order_limit_minor": 500_000}
    actions = [row["action"] for row in await AuditEntry.select(AuditEntry.action).order_by(AuditEntry.id)]
    assert "member.invited" in actions and "member.joined" in actions


async def test_an_invitation_with_a_bad_email_and_no_role_shows_both_messages_and_stores_nothing(
    client: httpx.AsyncClient, mailbox: Mailbox
) -> None:
    await _as_admin(client)
    response = await _post(
        client,
        "/company/users/invitations",
        {"email": "not-an-email", "order_limit": "abc"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert "Enter a valid email address" in response.text
    assert 'id="invite"' in response.text and "<html" not in response.text  # the form fragment, not a page
    assert await Invitation.count() == 0
    assert mailbox.messages == []


async def test_a_forged_invitation_link_answers_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/invitations/not-a-real-token")
    assert response.status_code == 404
    assert "invalid or has expired" in response.text


async def test_an_admin_changes_a_colleagues_roles_and_limits_and_the_audit_log_says_so(
    client: httpx.AsyncClient,
) -> None:
    company, _admin = await _as_admin(client)
    buyer = await make_person(company, Role.BUYER)
    response = await _post(
        client,
        f"/company/users/{buyer.membership_id}",
        {"roles": ["buyer", "approver"], "order_limit": "1000", "monthly_limit": "12000,50"},
    )
    assert response.status_code == 303
    stored = (
        await Membership.select(Membership.roles, Membership.order_limit_minor, Membership.monthly_limit_minor)
        .where(Membership.id == buyer.membership_id)
        .first()
    )
    assert stored == {"roles": ["buyer", "approver"], "order_limit_minor": 100_000, "monthly_limit_minor": 1_200_050}
    entry = await AuditEntry.select(AuditEntry.details).where(AuditEntry.action == "member.updated").first()
    assert entry is not None


async def test_a_negative_limit_is_refused_in_the_form_and_nothing_changes(client: httpx.AsyncClient) -> None:
    company, _admin = await _as_admin(client)
    buyer = await make_person(company, Role.BUYER, order_limit_minor=100_00)
    response = await _post(client, f"/company/users/{buyer.membership_id}", {"roles": ["buyer"], "order_limit": "-5"})
    assert response.status_code == 422 and "positive amount" in response.text
    stored = await Membership.select(Membership.order_limit_minor).where(Membership.id == buyer.membership_id).first()
    assert stored == {"order_limit_minor": 100_00}


async def test_the_last_admin_can_be_neither_demoted_nor_deactivated(client: httpx.AsyncClient) -> None:
    company, admin = await _as_admin(client)
    demoted = await _post(client, f"/company/users/{admin.membership_id}", {"roles": ["buyer"]})
    assert demoted.status_code == 409 and "at least one active administrator" in demoted.text
    second = await make_person(company, Role.COMPANY_ADMIN)
    await make_person(company, Role.BUYER)
    deactivated = await _post(client, f"/company/users/{second.membership_id}/deactivate", {})
    assert deactivated.status_code == 303
    again = await _post(client, f"/company/users/{admin.membership_id}", {"roles": ["buyer"]})
    assert again.status_code == 409
    stored = await Membership.select(Membership.roles).where(Membership.id == admin.membership_id).first()
    assert stored == {"roles": ["company_admin"]}


async def test_a_deactivated_colleague_is_logged_out_at_the_next_request(client: httpx.AsyncClient, settings) -> None:
    company, _admin = await _as_admin(client)
    buyer = await make_person(company, Role.BUYER)
    async with httpx.AsyncClient(transport=client._transport, base_url=BASE_URL) as colleague:
        await log_in(colleague, buyer.email)
        assert (await colleague.get("/")).status_code == 200
        await _post(client, f"/company/users/{buyer.membership_id}/deactivate", {})
        assert (await colleague.get("/")).status_code == 303


async def test_an_admin_withdraws_a_pending_invitation_and_its_link_stops_working(
    client: httpx.AsyncClient, mailbox: Mailbox
) -> None:
    await _as_admin(client)
    await _post(client, "/company/users/invitations", {"email": "later@example.com", "roles": ["viewer"]})
    link = mailbox.link_in(mailbox.last_to("later@example.com"), BASE_URL)
    invitation = await Invitation.select(Invitation.id).first()
    assert invitation is not None
    await _post(client, f"/company/users/invitations/{invitation['id']}/revoke", {})
    assert (await client.get(link)).status_code == 404
