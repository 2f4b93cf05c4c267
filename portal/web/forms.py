"""Reading submitted forms in handlers: single values trimmed, repeated fields as lists."""

from __future__ import annotations

from typing import Any

from litestar import Request


class FormData:
    def __init__(self, values: dict[str, list[str]]) -> None:
        self._values = values

    @classmethod
    async def of(cls, request: Request[Any, Any, Any]) -> FormData:
        form = await request.form()
        values: dict[str, list[str]] = {}
        for key, value in form.multi_items():
            if isinstance(value, str):
                values.setdefault(key, []).append(value)
        return cls(values)

    def get(self, name: str, default: str = "") -> str:
        values = self._values.get(name)
        return values[0].strip() if values else default

    def raw(self, name: str) -> str:
        """Unstripped, for passwords."""
        values = self._values.get(name)
        return values[0] if values else ""

    def getall(self, name: str) -> list[str]:
        return list(self._values.get(name, []))

    def as_dict(self) -> dict[str, str]:
        return {
            key: values[0] for key, values in self._values.items() if not key.startswith("_") and "password" not in key
        }
