"""Every demo persona logs in with the keyboard and lands on a home page made for its roles."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from e2e.helpers import ROLE_SECTIONS, LiveServer, Screenshot, log_in

# email → the role sections its home shows (all others must be absent), per portal/demo.py and
# the permissions in portal/accounts/roles.py.
PERSONAS: dict[str, set[str]] = {
    # BudMax: one person per customer role
    "admin@budmax.example": {"finance", "team", "recent-activity"},
    "buyer@budmax.example": {"purchasing"},
    "requester@budmax.example": {"purchasing"},
    "approver@budmax.example": {"approvals"},
    "finance@budmax.example": {"finance"},
    # the seller's own staff
    "rep@hurtownia.example": {"customers"},
    "office@hurtownia.example": {"customers", "recent-activity"},
    # ElektroPlus
    "admin@elektroplus.example": {"finance", "team", "recent-activity"},
    "buyer@elektroplus.example": {"purchasing"},
    "finance@elektroplus.example": {"finance"},
    # a one-person company: administrator and buyer at once
    "buyer@agromet.example": {"purchasing", "finance", "team", "recent-activity"},
}

COMPANY_OF = {
    "budmax": "BudMax Sp. z o.o.",
    "hurtownia": "Hurtownia Budowlano-Elektryczna Hurtex Sp. z o.o.",
    "elektroplus": "ElektroPlus S.A.",
    "agromet": "Agromet Jan Nowak",
}


def _expect_sections(page: Page, shown: set[str]) -> None:
    for section in ROLE_SECTIONS:
        if section in shown:
            expect(page.locator(f"section#{section}")).to_be_visible()
        else:
            expect(page.locator(f"section#{section}")).to_have_count(0)


@pytest.mark.parametrize(("email", "shown"), PERSONAS.items(), ids=list(PERSONAS))
def test_persona_lands_on_its_home(
    page: Page, live_server: LiveServer, screenshot: Screenshot, email: str, shown: set[str]
) -> None:
    log_in(page, email)

    expect(page).to_have_url(live_server.url("/"))
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator(".topbar .company-name")).to_have_text(COMPANY_OF[email.split("@")[1].split(".")[0]])
    _expect_sections(page, shown)
    if "purchasing" in shown:
        # A limit, or "no limit", for each of the two rows; never an empty value.
        for value in page.locator("#purchasing dd").all()[:2]:
            expect(value).not_to_be_empty()
    screenshot(page, "home")


def test_person_in_two_companies_chooses_one(page: Page, live_server: LiveServer, screenshot: Screenshot) -> None:
    log_in(page, "multi@budmax.example")

    expect(page).to_have_url(live_server.url("/companies/choose"))
    choices = page.locator("button.choice")
    expect(choices).to_have_count(2)
    expect(choices.filter(has_text="BudMax Sp. z o.o.")).to_be_visible()
    screenshot(page, "choose")

    choices.filter(has_text="ElektroPlus S.A.").click()

    expect(page).to_have_url(live_server.url("/"))
    expect(page.locator(".topbar .company-switch")).to_contain_text("ElektroPlus S.A.")
    expect(page.locator("p.lead")).to_contain_text("ElektroPlus S.A.")
    # Buyer and approver at ElektroPlus (at BudMax only a buyer).
    _expect_sections(page, {"purchasing", "approvals"})
    screenshot(page, "home")

    # The switch in the top bar leads back to the choice, with the current company marked.
    page.locator(".topbar .company-switch").click()
    expect(page).to_have_url(live_server.url("/companies/choose"))
    expect(page.locator("button.choice[aria-current=true]")).to_contain_text("ElektroPlus S.A.")
    page.locator("button.choice", has_text=re.compile("BudMax")).click()
    expect(page.locator(".topbar .company-switch")).to_contain_text("BudMax Sp. z o.o.")
    _expect_sections(page, {"purchasing"})
