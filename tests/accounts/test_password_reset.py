"""Forgotten password: an emailed, signed, single-use link; GET shows a form, POST changes."""

import httpx

from portal.accounts.roles import Role
from tests.conftest import BASE_URL
from tests.factories import PASSWORD, csrf_token, log_in, make_company, make_person, post_form
from tests.mailbox import Mailbox


async def test_a_user_resets_a_forgotten_password_through_the_emailed_link(
    client: httpx.AsyncClient, mailbox: Mailbox
) -> None:
    company = await make_company()
    buyer = await make_person(company, Role.BUYER)
    sent = await post_form(client, "/password/forgot", {"email": buyer.email.upper()})
    assert sent.status_code == 200 and "we have sent it a link" in sent.text

    link = mailbox.link_in(mailbox.last_to(buyer.email), BASE_URL)
    form = await client.get(link)
    assert form.status_code == 200 and buyer.email in form.text
    assert (await log_in(client, buyer.email)).status_code == 303  # opening the link changed nothing
    await post_form(client, "/logout", {}, token_from="/")

    short = await client.post(
        link, data={"password": "short", "password_confirmation": "short", "_csrf_token": csrf_token(form.text)}
    )
    assert short.status_code == 422 and "at least 10 characters" in short.text

    done = await client.post(
        link,
        data={
            "password": "nowe-haslo-2026",
            "password_confirmation": "nowe-haslo-2026",
            "_csrf_token": csrf_token(form.text),
        },
    )
    assert done.status_code == 303 and done.headers["location"] == "/login"
    assert (await log_in(client, buyer.email, PASSWORD)).status_code == 422
    assert (await log_in(client, buyer.email, "nowe-haslo-2026")).status_code == 303
    assert (await client.get(link)).status_code == 404  # single use


async def test_an_unknown_email_gets_the_same_answer_and_no_mail(client: httpx.AsyncClient, mailbox: Mailbox) -> None:
    sent = await post_form(client, "/password/forgot", {"email": "nobody@example.com"})
    assert sent.status_code == 200 and "we have sent it a link" in sent.text
    assert mailbox.messages == []


async def test_a_tampered_reset_link_is_refused(client: httpx.AsyncClient) -> None:
    response = await client.get("/password/reset/eyJhIjoxfQ.tampered.signature")
    assert response.status_code == 404 and "invalid or has expired" in response.text
