"""The caller's scope: who is asking, in which company, with which permissions."""

from __future__ import annotations

from dataclasses import dataclass, field

from portal.accounts.roles import Permission, Role, permissions_for


@dataclass(frozen=True)
class Scope:
    user_id: int
    email: str
    name: str
    locale: str
    company_id: int | None = None
    company_name: str = ""
    company_kind: str = "customer"
    currency: str = "PLN"
    membership_id: int | None = None
    roles: frozenset[Role] = frozenset()
    ip_address: str = ""
    acting_as_user_id: int | None = None
    company_count: int = 0
    permissions: frozenset[Permission] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "permissions", permissions_for(self.roles))

    def can(self, permission: Permission | str) -> bool:
        return Permission(permission) in self.permissions

    def has_role(self, role: Role | str) -> bool:
        return Role(role) in self.roles

    @property
    def is_seller(self) -> bool:
        return self.company_kind == "seller"

    @property
    def has_company(self) -> bool:
        return self.company_id is not None
