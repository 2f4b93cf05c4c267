from pathlib import Path

from piccolo.conf.apps import AppConfig

from portal.accounts.tables import (
    AuditEntry,
    Company,
    DeliveryAddress,
    Invitation,
    Membership,
    PasswordReset,
    SsoConnection,
    SsoDomain,
    SsoIdentity,
    User,
)

APP_CONFIG = AppConfig(
    app_name="accounts",
    migrations_folder_path=str(Path(__file__).resolve().parents[2] / "migrations" / "accounts"),
    table_classes=[
        Company,
        DeliveryAddress,
        User,
        Membership,
        Invitation,
        PasswordReset,
        AuditEntry,
        SsoConnection,
        SsoDomain,
        SsoIdentity,
    ],
)
