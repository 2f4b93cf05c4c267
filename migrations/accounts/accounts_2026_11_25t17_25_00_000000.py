"""One portal user per subject at a provider."""

from portal.database import composite_indexes_migration

ID = "2026-11-25T17:25:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "sso identity unique per connection and subject"

forwards = composite_indexes_migration(
    "accounts",
    ID,
    DESCRIPTION,
    {"sso_identity_subject": "CREATE UNIQUE INDEX sso_identity_subject ON sso_identity (connection, subject)"},
)
