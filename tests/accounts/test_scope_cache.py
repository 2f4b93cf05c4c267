"""The caller's scope comes from the scope cache after the first request; every change to what
it holds is seen at the very next request."""

import httpx

from portal.accounts.login import load_cached_scope, save_locale
from portal.accounts.members import MemberTerms, set_member_active, update_member
from portal.accounts.roles import Role
from portal.accounts.scope_cache import ScopeCache, forget_scope, scope_cache
from portal.accounts.tables import User
from tests.conftest import BASE_URL
from tests.factories import log_in, make_company, make_person, post_form
from tests.query_counter import count_queries


def _is_scope_query(statement: str) -> bool:
    return '"user_name"' in statement


async def test_a_logged_in_request_sends_no_sql_for_the_scope(client: httpx.AsyncClient, db: None) -> None:
    company = await make_company()
    buyer = await make_person(company, Role.BUYER)
    await log_in(client, buyer.email)
    # The login listed the user's companies through the cache: the first page finds its scope there.
    with count_queries() as first:
        assert (await client.get("/")).status_code == 200
    await forget_scope(buyer.user_id)
    with count_queries() as after_a_change:
        assert (await client.get("/")).status_code == 200
    with count_queries() as next_one:
        assert (await client.get("/")).status_code == 200
    assert not [s for s in first.statements if _is_scope_query(s)], first.statements
    assert len([s for s in after_a_change.statements if _is_scope_query(s)]) == 1, after_a_change.statements
    assert not [s for s in next_one.statements if _is_scope_query(s)], next_one.statements
    assert first.count == next_one.count == after_a_change.count - 1


async def test_a_cached_scope_costs_no_statement(db: None) -> None:
    company = await make_company()
    buyer = await make_person(company, Role.BUYER)
    first = await load_cached_scope(buyer.user_id, company, "127.0.0.1")
    with count_queries() as queries:
        again = await load_cached_scope(buyer.user_id, company, "127.0.0.1")
    assert queries.count == 0
    assert again == first and again is not None and again.roles == frozenset({Role.BUYER})


async def test_a_role_change_is_in_the_next_scope(db: None) -> None:
    company = await make_company()
    admin = await make_person(company, Role.COMPANY_ADMIN)
    buyer = await make_person(company, Role.BUYER)
    await load_cached_scope(buyer.user_id, company, "")
    await update_member(
        await admin.scope(),
        buyer.membership_id,
        MemberTerms(roles=(Role.BUYER, Role.APPROVER), order_limit=None, monthly_limit=None),
    )
    scope = await load_cached_scope(buyer.user_id, company, "")
    assert scope is not None and scope.roles == frozenset({Role.BUYER, Role.APPROVER})


async def test_a_deactivated_membership_ends_the_scope_at_once_and_comes_back_when_activated(db: None) -> None:
    company = await make_company()
    admin = await make_person(company, Role.COMPANY_ADMIN)
    buyer = await make_person(company, Role.BUYER)
    assert await load_cached_scope(buyer.user_id, company, "") is not None
    await set_member_active(await admin.scope(), buyer.membership_id, active=False)
    assert await load_cached_scope(buyer.user_id, company, "") is None
    await set_member_active(await admin.scope(), buyer.membership_id, active=True)
    assert await load_cached_scope(buyer.user_id, company, "") is not None


async def test_a_membership_deactivated_in_one_company_leaves_the_others(db: None) -> None:
    first, second = await make_company(), await make_company()
    admin = await make_person(second, Role.COMPANY_ADMIN)
    buyer = await make_person(first, Role.BUYER)
    elsewhere = await make_person(second, Role.BUYER, email=buyer.email)
    before = await load_cached_scope(buyer.user_id, second, "")
    assert before is not None and before.company_id == second and before.company_count == 2
    await set_member_active(await admin.scope(), elsewhere.membership_id, active=False)
    after = await load_cached_scope(buyer.user_id, second, "")
    assert after is not None and after.company_id is None and after.company_count == 1


async def test_a_saved_locale_is_in_the_next_scope(db: None) -> None:
    company = await make_company()
    buyer = await make_person(company, Role.BUYER, locale="en")
    await load_cached_scope(buyer.user_id, company, "")
    await save_locale(buyer.user_id, "pl")
    scope = await load_cached_scope(buyer.user_id, company, "")
    assert scope is not None and scope.locale == "pl"


async def test_a_direct_change_in_the_database_is_seen_once_the_scope_is_forgotten(db: None) -> None:
    company = await make_company()
    buyer = await make_person(company, Role.BUYER)
    await load_cached_scope(buyer.user_id, company, "")
    await User.update({User.name: "Renamed"}).where(User.id == buyer.user_id)
    stale = await load_cached_scope(buyer.user_id, company, "")
    assert stale is not None and stale.name != "Renamed"
    await forget_scope(buyer.user_id)
    fresh = await load_cached_scope(buyer.user_id, company, "")
    assert fresh is not None and fresh.name == "Renamed"


async def test_rows_read_before_a_change_commits_are_not_used_after_it(db: None) -> None:
    """A request reads the old rows, the change commits and forgets the scope, then the request
    stores what it read: the next request must not use it."""
    cache = scope_cache()
    assert isinstance(cache, ScopeCache)
    calls = 0

    async def load_then_change(user_id: int) -> list[dict]:
        nonlocal calls
        calls += 1
        rows = [{"company_id": 1, "roles": ["buyer"] if calls == 1 else ["approver"]}]
        if calls == 1:
            await cache.forget(user_id)
        return rows

    assert (await cache.memberships(42, load_then_change))[0]["roles"] == ["buyer"]
    assert (await cache.memberships(42, load_then_change))[0]["roles"] == ["approver"]
    assert (await cache.memberships(42, load_then_change))[0]["roles"] == ["approver"]
    assert calls == 2


async def test_a_colleague_promoted_by_the_admin_gets_the_new_pages_at_the_next_request(
    client: httpx.AsyncClient,
) -> None:
    company = await make_company()
    admin = await make_person(company, Role.COMPANY_ADMIN)
    buyer = await make_person(company, Role.BUYER)
    await log_in(client, admin.email)
    async with httpx.AsyncClient(transport=client._transport, base_url=BASE_URL) as colleague:
        await log_in(colleague, buyer.email)
        assert (await colleague.get("/company/users")).status_code == 403
        promoted = await post_form(
            client,
            f"/company/users/{buyer.membership_id}",
            {"roles": ["buyer", "company_admin"]},
            token_from="/company/users",
        )
        assert promoted.status_code == 303
        assert (await colleague.get("/company/users")).status_code == 200


async def test_a_language_chosen_while_logged_in_shows_at_the_next_request(client: httpx.AsyncClient) -> None:
    company = await make_company()
    buyer = await make_person(company, Role.BUYER, locale="en")
    await log_in(client, buyer.email)
    assert '<html lang="en">' in (await client.get("/")).text
    switched = await post_form(client, "/locale", {"locale": "pl", "next": "/"}, token_from="/")
    assert switched.status_code in (302, 303)
    assert '<html lang="pl">' in (await client.get("/")).text
