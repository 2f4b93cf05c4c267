"""The application factory: wires settings, database, stores, templates, security and routes."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from typing import Any

from litestar import Litestar, Request
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.logging import LoggingConfig
from litestar.plugins.flash import FlashConfig, FlashPlugin
from litestar.static_files import create_static_files_router

from portal.accounts.guards import current_caller
from portal.accounts.login import LoginLimiter
from portal.accounts.passwords import use_hashing_concurrency
from portal.accounts.routes import router as accounts_router
from portal.accounts.scope_cache import ScopeCache, use_scope_cache
from portal.accounts.session_ends import SessionEnds, use_session_ends
from portal.accounts.sessions import session_auth
from portal.accounts.tokens import LinkSigner
from portal.aftersales.complaint_routes import complaint_router
from portal.aftersales.shipment_routes import shipment_router
from portal.approvals.routes import router as approvals_router
from portal.backoffice.routes import remember_unread_count
from portal.backoffice.routes import router as backoffice_router
from portal.catalog.routes import router as catalog_router
from portal.config import PROJECT_ROOT, Mode, Settings
from portal.database import connection_pool, engine_for, use_database
from portal.finance.routes import router as finance_router
from portal.integration.api_keys import ApiKeyLimiter
from portal.integration.event_routes import router as event_router
from portal.integration.health_routes import note_erp_silence
from portal.integration.health_routes import router as erp_health_router
from portal.integration.import_routes import router as import_router
from portal.integration.office_routes import router as integration_office_router
from portal.integration.order_routes import order_api_router
from portal.integration.routes import api_router
from portal.integration.sync_status import use_stock_cadence
from portal.jobs import JobQueue, use_job_queue
from portal.jobs.worker import background_jobs
from portal.live import LiveUpdates, use_live_updates
from portal.mail import Postbox, mailer_for
from portal.ordering.routes import router as ordering_router
from portal.pdf.routes import router as pdf_router
from portal.storage import storage_for, use_file_storage
from portal.stores import store_registry
from portal.throttle import Throttle
from portal.web.errors import EXCEPTION_HANDLERS
from portal.web.forms import check_request_parameters
from portal.web.home import router as home_router
from portal.web.limits import body_limits, largest_body
from portal.web.locale import apply_request_locale
from portal.web.security import add_security_headers
from portal.web.templating import build_environment, template_config


def create_app(settings: Settings) -> Litestar:
    secret_key = settings.resolved_secret_key()
    engine = engine_for(settings)
    use_database(engine)
    environment = build_environment(auto_reload=settings.mode is not Mode.PRODUCTION)
    templates = template_config(environment)
    signer = LinkSigner(secret_key, settings.token_max_age_seconds)
    postbox = Postbox(environment, mailer_for(settings), settings.base_url)
    throttle = Throttle.for_settings(settings)
    limiter = LoginLimiter(throttle, settings)
    api_key_limiter = ApiKeyLimiter(throttle, settings)
    use_hashing_concurrency(settings.password_hashing_concurrency)
    use_stock_cadence(settings)
    auth = session_auth(settings)
    jobs = JobQueue.for_settings(settings)
    use_job_queue(jobs)
    live = LiveUpdates.for_settings(settings)
    use_live_updates(live)
    use_file_storage(storage_for(settings))
    stores = store_registry(settings)
    use_scope_cache(ScopeCache(stores.get("scope")))
    use_session_ends(SessionEnds(stores.get("session_ends"), settings.session_lifetime_seconds))
    erp_health_cache = stores.get("erp_health")

    @asynccontextmanager
    async def database_pool(_: Litestar) -> AsyncGenerator[None, None]:
        async with connection_pool(engine):
            yield

    @asynccontextmanager
    async def live_updates(_: Litestar) -> AsyncGenerator[None, None]:
        async with live.listening():
            yield

    async def before_request(request: Request[Any, Any, Any]) -> None:
        apply_request_locale(request)
        check_request_parameters(request)
        await remember_unread_count(request)
        await note_erp_silence(request, settings, erp_health_cache)

    return Litestar(
        route_handlers=[
            home_router,
            accounts_router,
            catalog_router,
            ordering_router,
            approvals_router,
            pdf_router,
            finance_router,
            shipment_router,
            complaint_router,
            backoffice_router,
            api_router,
            order_api_router,
            integration_office_router,
            erp_health_router,
            import_router,
            event_router,
            create_static_files_router(path="/static", directories=[PROJECT_ROOT / "static"], name="static"),
        ],
        dependencies={
            "settings": Provide(lambda: settings, use_cache=True, sync_to_thread=False),
            "caller": Provide(current_caller, sync_to_thread=False),
            "signer": Provide(lambda: signer, use_cache=True, sync_to_thread=False),
            "postbox": Provide(lambda: postbox, use_cache=True, sync_to_thread=False),
            "limiter": Provide(lambda: limiter, use_cache=True, sync_to_thread=False),
            "api_key_limiter": Provide(lambda: api_key_limiter, use_cache=True, sync_to_thread=False),
            "jobs": Provide(lambda: jobs, use_cache=True, sync_to_thread=False),
            "live": Provide(lambda: live, use_cache=True, sync_to_thread=False),
        },
        stores=stores,
        on_app_init=[auth.on_app_init],
        plugins=[FlashPlugin(FlashConfig(template_config=templates))],
        before_send=[add_security_headers],
        middleware=[body_limits],
        csrf_config=CSRFConfig(
            secret=secret_key,
            cookie_name="portal_csrf",
            cookie_secure=settings.secure_cookies,
            cookie_httponly=True,
            header_name="x-csrftoken",
            # Integrations call the JSON API with a key, not from a browser session.
            exclude=["^/api/"],
        ),
        template_config=templates,
        before_request=before_request,
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=[database_pool, live_updates, background_jobs(jobs, settings, postbox)],
        logging_config=LoggingConfig(log_exceptions="never", configure_root_logger=True),
        # The backstop; portal/web/limits.py holds each kind of route to its own, smaller limit.
        request_max_body_size=largest_body(settings),
        debug=False,
        openapi_config=None,
        state=State({"settings": settings, "engine": engine, "jobs": jobs, "live": live, "throttle": throttle}),
    )
