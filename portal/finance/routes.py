"""HTTP routes of finance: the finance home with balance, credit and aging."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from litestar import Request, Router, get
from litestar.response import Response

from portal.accounts.guards import Caller, requires
from portal.accounts.roles import Permission
from portal.finance.balances import finance_overview
from portal.i18n import TIME_ZONE
from portal.web import page

Html = Response[Any]


def today() -> date:
    """Due dates are Polish calendar days."""
    return datetime.now(ZoneInfo(TIME_ZONE)).date()


@get("/finance", guards=[requires(Permission.INVOICE_READ)])
async def finance_home(request: Request[Any, Any, Any], caller: Caller) -> Html:
    return page(request, "finance/home.html", overview=await finance_overview(caller, today()))


router = Router(path="/", route_handlers=[finance_home])
