"""The demo's SSO company: its connection follows whether `portal demo --sso` runs a provider."""

from portal.accounts.sso import connection_for_email
from portal.accounts.tables import Company, SsoConnection
from portal.demo_sso import PEOPLE, SSO_COMPANY, issuer_at, seed_sso


async def test_without_a_provider_the_connection_is_off_and_with_one_it_points_there(db, settings) -> None:
    await seed_sso(settings, None)
    assert await connection_for_email(PEOPLE[0][0]) is None

    await seed_sso(settings, issuer_at(9555))
    await seed_sso(settings, issuer_at(9556))
    connection = await connection_for_email(PEOPLE[0][0])
    assert connection is not None and connection.issuer == issuer_at(9556)
    assert connection.require_sso and connection.auto_create
    assert await Company.count().where(Company.nip == SSO_COMPANY.nip) == 1
    assert await SsoConnection.count() == 1
