"""One membership per (user, company)."""

from portal.database import composite_indexes_migration

ID = "2026-11-25T13:05:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "one membership per user and company"

forwards = composite_indexes_migration(
    "accounts",
    ID,
    DESCRIPTION,
    {"membership_user_company": 'CREATE UNIQUE INDEX membership_user_company ON membership ("user", company)'},
)
