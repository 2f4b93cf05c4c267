"""The bench's events-out figures: the relay's throughput from a pile, the feed read in pages,
webhooks delivered to a local receiver, and the time from commit to the feed and to the receiver
with the relay and the sender on the worker's schedule, on a small scale."""

from __future__ import annotations

from litestar import Litestar

from portal.bench.events import event_figures, format_event_table, percentile
from portal.integration.api_keys import create_api_key
from portal.integration.scopes import Scope
from portal.integration.tables import WebhookDelivery
from portal.mail import Postbox
from tests.conftest import client_at


def test_the_99th_percentile_is_the_value_below_which_99_of_100_fall() -> None:
    assert percentile([float(n) for n in range(1, 101)], 0.99) == 99.0
    assert percentile([0.5], 0.99) == 0.5


async def test_every_figure_is_measured_on_a_small_scale(app: Litestar, postbox: Postbox) -> None:
    key = await create_api_key("bench-erp", [Scope.EVENTS])
    async with client_at(app) as client:
        client.headers["Authorization"] = f"Bearer {key}"
        figures = await event_figures(client, postbox, 1200, 300, rate=20, seconds=0.5)

    assert figures.events == 1200 and figures.latency_events == 10
    assert figures.relayed_per_second > 0 and figures.read_per_second > 0
    assert 0 < figures.feed_p50_ms <= figures.feed_p99_ms
    assert figures.webhooks == 300 and figures.delivered_per_second > 0
    assert 0 < figures.webhook_p50_ms <= figures.webhook_p99_ms
    # Only the events after the endpoint was registered are sent.
    assert await WebhookDelivery.count() == 300 + 10
    table = format_event_table(figures)
    assert "| relay, events published a second |" in table and "| commit → delivered by webhook, p99 ms |" in table
    assert "—" not in table
