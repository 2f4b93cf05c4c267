"""The Jinja environment and the one helper that answers a page or, for htmx, its fragment."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import Request
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template import TemplateConfig

from portal.accounts.nip import format_nip
from portal.accounts.roles import role_label
from portal.aftersales.labels import shipment_status_label
from portal.catalog.labels import document_kind_label, unit_label, vat_label
from portal.config import PROJECT_ROOT
from portal.i18n import (
    current_locale,
    format_date,
    format_datetime,
    format_duration,
    format_file_size,
    format_money,
    format_quantity,
    format_unit_price,
    gettext,
    ngettext,
)
from portal.integration.erp_silence import page_silence
from portal.integration.labels import (
    key_state_label,
    outcome_label,
    run_status_label,
    scope_label,
    source_label,
    webhook_delivery_status_label,
)
from portal.ordering.labels import grid_row_words

TEMPLATE_DIR = PROJECT_ROOT / "templates"


def build_environment(auto_reload: bool) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        auto_reload=auto_reload,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(
        money=format_money,
        unit_price=format_unit_price,
        date=format_date,
        datetime=format_datetime,
        nip=format_nip,
        role_name=role_label,
        unit=unit_label,
        vat=vat_label,
        document_kind=document_kind_label,
        filesize=format_file_size,
        quantity=format_quantity,
        shipment_status=shipment_status_label,
        duration=format_duration,
        api_scope=scope_label,
        batch_outcome=outcome_label,
        key_state=key_state_label,
        sync_run_status=run_status_label,
        batch_source=source_label,
        webhook_delivery_status=webhook_delivery_status_label,
    )
    env.globals["current_locale"] = current_locale
    env.globals["grid_row_words"] = grid_row_words
    env.globals["erp_silence"] = page_silence
    return env


def template_config(env: Environment) -> TemplateConfig[JinjaTemplateEngine]:
    return TemplateConfig(instance=JinjaTemplateEngine.from_environment(env))


def wants_fragment(request: Request[Any, Any, Any]) -> bool:
    """An htmx request that is neither boosted nor a history restore gets only the fragment."""
    headers = request.headers
    return (
        headers.get("hx-request") == "true"
        and headers.get("hx-boosted") != "true"
        and headers.get("hx-history-restore-request") != "true"
    )


def page(
    request: Request[Any, Any, Any],
    template_name: str,
    *,
    block: str | None = None,
    blocks: list[str] | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> HTMXBlockTemplate:
    """The whole page, or only `block` (or several `blocks`, one after another, for out-of-band
    swaps) of the same template for an htmx request."""
    fragment = wants_fragment(request)
    return HTMXBlockTemplate(
        template_name=template_name,
        block_name=block if block and fragment else None,
        block_names=blocks if blocks and fragment else None,
        context={"caller": request.scope.get("user"), **context},
        status_code=status_code,
        headers={"Vary": "HX-Request", **(headers or {})},
    )
