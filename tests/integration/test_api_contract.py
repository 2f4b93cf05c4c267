"""The integration API against its own OpenAPI document: the document is valid OpenAPI 3.1, and
requests schemathesis generates from it (valid and invalid, for every operation) get answers the
document describes, never a 5xx."""

from __future__ import annotations

import json
from typing import Any

import anyio
import anyio.from_thread
import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from litestar import Litestar
from openapi_spec_validator import validate
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from portal.integration import events
from portal.integration.api_keys import create_api_key
from portal.integration.openapi import openapi_document
from portal.integration.scopes import Scope
from tests.conftest import BASE_URL, client_at
from tests.integration.depots import depots_resource

pytestmark = pytest.mark.usefixtures(depots_resource.__name__)

EXAMPLES_PER_OPERATION = 12
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def test_the_document_is_valid_openapi_3_1_and_covers_only_the_api() -> None:
    document = openapi_document()
    validate(document)
    assert document["openapi"] == "3.1.0"
    assert all(path.startswith("/api/v1/") for path in document["paths"])


async def test_the_document_and_its_page_are_served(client: httpx.AsyncClient) -> None:
    document = await client.get("/api/v1/openapi.json")
    assert document.status_code == 200
    assert document.json() == json.loads(json.dumps(openapi_document()))
    docs = await client.get("/api/v1/docs")
    assert docs.status_code == 200
    assert 'spec-url="/api/v1/openapi.json"' in docs.text
    assert "/static/redoc.standalone.js" in docs.text


def _multipart(parts: list[tuple[str, tuple[str | None, Any]]] | None) -> Any:
    """Generated multipart parts as httpx sends them. httpx encodes text as UTF-8 and refuses a
    lone surrogate, which the server must survive: such text goes as the bytes a careless client
    would send; other values as their text."""
    if parts is None:
        return None

    def text(value: str) -> str:
        return value.encode("utf-8", "replace").decode()

    def content_of(value: Any) -> bytes:
        return value if isinstance(value, bytes) else str(value).encode("utf-8", "surrogatepass")

    return [
        (
            text(name),
            (
                text(filename) if filename is not None else None,
                content_of(content),
            ),
        )
        for name, (filename, content) in parts
    ]


async def test_generated_requests_get_documented_answers_and_never_a_5xx(
    app: Litestar, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Generated `wait`s would each hold an empty feed open; the answer is the same without.
    monkeypatch.setattr(events, "MAX_WAIT_SECONDS", 0)
    headers = {"Authorization": f"Bearer {await create_api_key('erp', set(Scope))}"}
    schema = schemathesis.openapi.from_dict(openapi_document())
    operations = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result.err()
        operations.append(result.ok())
    answered: dict[int, int] = {}

    async def send(client: httpx.AsyncClient, request: dict[str, Any]) -> httpx.Response:
        outgoing = client.build_request(
            request["method"],
            request["url"],
            headers=request.get("headers"),
            params=request.get("params"),
            json=request.get("json"),
            content=request.get("data"),
            files=_multipart(request.get("files")),
        )
        # A multipart body is a stream; read, schemathesis can show it with a failing case.
        outgoing.read()
        response = await client.send(outgoing)
        answered[response.status_code] = answered.get(response.status_code, 0) + 1
        return response

    def explore(client: httpx.AsyncClient, operation: Any, mode: GenerationMode) -> None:
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(generation_mode=mode))
        def check(case: Any) -> None:
            request = case.as_transport_kwargs(base_url=BASE_URL, headers=headers)
            response = anyio.from_thread.run(send, client, request)
            case.validate_response(response, checks=CHECKS)

        check()

    for number, operation in enumerate(operations):
        # Each operation from an address of its own: wrong keys sent to one operation must not
        # throttle the next one's calls into 429s.
        async with client_at(app, f"10.0.{number}.1") as client:
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                await anyio.to_thread.run_sync(explore, client, operation, mode)

    assert not any(status >= 500 for status in answered)
    assert answered.get(200, 0) > 0
    assert answered.get(202, 0) > 0
