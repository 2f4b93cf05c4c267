"""Work left waiting for a write transaction runs once it has committed, never after a rollback,
and a write transaction inside another waits for the outer one."""

from __future__ import annotations

import pytest

from portal.accounts.tables import Company
from portal.database import after_commit, write_transaction
from tests.factories import make_company

pytestmark = pytest.mark.usefixtures("db")


class Seen:
    """What each callback found when it ran: whether a transaction was still open, and the name."""

    def __init__(self) -> None:
        self.runs: list[tuple[bool, str | None]] = []

    async def look(self, company_id: int) -> None:
        in_transaction = Company._meta.db.current_transaction.get() is not None
        names = await Company.select(Company.name).where(Company.id == company_id).output(as_list=True)
        self.runs.append((in_transaction, names[0] if names else None))


async def test_a_callback_runs_after_the_commit_and_sees_the_committed_rows() -> None:
    company_id = await make_company("Przed")
    seen = Seen()

    async with write_transaction(Company._meta.db):
        await Company.update({Company.name: "Po"}).where(Company.id == company_id)
        await after_commit(lambda: seen.look(company_id))
        assert seen.runs == []

    assert seen.runs == [(False, "Po")]


async def _change_and_fail(company_id: int, seen: Seen) -> None:
    async with write_transaction(Company._meta.db):
        await Company.update({Company.name: "Po"}).where(Company.id == company_id)
        await after_commit(lambda: seen.look(company_id))
        raise RuntimeError("changed my mind")


async def test_nothing_runs_when_the_transaction_rolls_back() -> None:
    company_id = await make_company("Przed")
    seen = Seen()

    with pytest.raises(RuntimeError, match="changed my mind"):
        await _change_and_fail(company_id, seen)

    assert seen.runs == []
    assert await Company.select(Company.name).where(Company.id == company_id).output(as_list=True) == ["Przed"]


async def test_an_inner_write_transaction_waits_for_the_outer_one() -> None:
    company_id = await make_company("Przed")
    seen = Seen()

    async with write_transaction(Company._meta.db):
        async with write_transaction(Company._meta.db):
            await Company.update({Company.name: "Po"}).where(Company.id == company_id)
            await after_commit(lambda: seen.look(company_id))
        assert seen.runs == []

    assert seen.runs == [(False, "Po")]


async def test_outside_a_write_transaction_it_runs_at_once() -> None:
    company_id = await make_company("Teraz")
    seen = Seen()

    await after_commit(lambda: seen.look(company_id))

    assert seen.runs == [(False, "Teraz")]
