"""After the order: a buyer files a complaint with a photo on a delivered shipment, the back
office accepts it and answers, and the buyer's open page shows both without a reload; a
shipment row moves by itself when a carrier posts an event."""

from __future__ import annotations

import io
import json
import re
import urllib.request
import uuid
from datetime import UTC, datetime

from PIL import Image, ImageDraw
from playwright.sync_api import Page, expect

from e2e.helpers import LiveServer, Screenshot, log_in
from portal import clock

DEMO_API_KEY = "pk_demo_carrier_2026"  # portal/demo_aftersales.py


def _photo() -> bytes:
    picture = Image.new("RGB", (640, 480), (176, 132, 84))
    ImageDraw.Draw(picture).line([(120, 60), (300, 250), (260, 420)], fill=(40, 30, 20), width=9)
    out = io.BytesIO()
    picture.save(out, format="JPEG", quality=85)
    return out.getvalue()


def _post_event(live_server: LiveServer, tracking_number: str, status: str, place: str) -> dict[str, object]:
    body = {
        "event_id": f"e2e-{uuid.uuid4().hex}",
        "tracking_number": tracking_number,
        "status": status,
        "occurred_at": datetime.now(UTC).isoformat(),
        "place": place,
    }
    request = urllib.request.Request(
        live_server.url("/api/v1/shipment-events"),
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {DEMO_API_KEY}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        assert response.status == 201
        answer: dict[str, object] = json.load(response)
        return answer


def test_a_complaint_with_a_photo_is_accepted_and_answered_while_the_buyer_watches(
    new_context, screenshot: Screenshot
) -> None:
    buyer = new_context().new_page()
    log_in(buyer, "buyer@budmax.example")
    buyer.goto("/deliveries?status=delivered")
    buyer.locator("#deliveries tbody tr a[href^='/deliveries/']").first.click()
    buyer.wait_for_url(re.compile(r"/deliveries/\d+$"))
    buyer.locator("a[href^='/complaints/new']").click()
    buyer.wait_for_url(re.compile(r"/complaints/new"))

    buyer.locator("#complaint-lines input.quantity-input:enabled").first.fill("1")
    buyer.locator("#reason").select_option("defective")
    buyer.locator("#wanted_resolution").select_option("replacement")
    buyer.locator("#description").fill("Wkrętarka nie włącza się po naładowaniu akumulatora (test e2e).")
    buyer.locator("#photos").set_input_files([{"name": "wkretarka.jpg", "mimeType": "image/jpeg", "buffer": _photo()}])
    screenshot(buyer, "complaint-form")
    buyer.locator("form.complaint-form button[type=submit]").click()
    buyer.wait_for_url(re.compile(r"/complaints/\d+$"))
    complaint_path = re.sub(r"^https?://[^/]+", "", buyer.url)
    expect(buyer.locator("#complaint-state .badge.complaint-submitted").first).to_be_visible()
    expect(buyer.locator("#complaint-state a[href^='/files/']")).to_contain_text("wkretarka.jpg")

    office = new_context().new_page()
    log_in(office, "office@hurtownia.example")
    office.goto("/office/complaints")
    expect(office.locator(f"a[href='{complaint_path}']")).to_be_visible()
    office.goto(complaint_path)
    office.locator("input[name=to][value=under_review]").check()
    office.locator("#office-actions button[type=submit]").click()
    expect(office.locator("#complaint-state .badge.complaint-under_review").first).to_be_visible()
    office.locator("input[name=to][value=accepted]").check()
    office.locator("input[name=return_method][value=pickup]").check()
    # Today where the portal's business is: the office may book a pickup for today.
    office.locator("#pickup_on").fill(clock.today().isoformat())
    office.locator("#office-actions button[type=submit]").click()
    expect(office.locator("#complaint-state .badge.complaint-accepted").first).to_be_visible()
    answer = "Kurier odbierze wkrętarkę jutro między 9 a 15. Wymiana w ciągu 3 dni."
    office.locator(".message-form textarea[name=body]").fill(answer)
    office.locator(".message-form button[type=submit]").click()
    expect(office.locator(".message-list")).to_contain_text(answer)
    screenshot(office, "complaint-office")

    # The buyer's page was never reloaded: the state and the answer arrive over the live stream.
    expect(buyer.locator("#complaint-state .badge.complaint-accepted").first).to_be_visible()
    expect(buyer.locator(".message-list")).to_contain_text(answer)
    screenshot(buyer, "complaint-buyer-live")


def test_a_delivery_row_moves_by_itself_when_the_carrier_posts_an_event(
    page: Page, live_server: LiveServer, screenshot: Screenshot
) -> None:
    log_in(page, "buyer@budmax.example")
    page.goto("/deliveries")
    row = page.locator("#deliveries tbody tr:has(a.tracking-link)").first
    expect(row).to_be_visible()
    row_id = row.get_attribute("id")
    tracking_number = row.locator("a.tracking-link").first.inner_text().replace("↗", "").strip()
    screenshot(page, "deliveries")

    place = f"Punkt odbioru e2e {uuid.uuid4().hex[:6]}"
    answer = _post_event(live_server, tracking_number, "out_for_delivery", place)
    assert answer["recorded"] is True

    moved = page.locator(f"#{row_id}")
    expect(moved).to_contain_text(place)
    expect(moved).to_have_attribute("data-status", "out_for_delivery")
    screenshot(page, "deliveries-live")
