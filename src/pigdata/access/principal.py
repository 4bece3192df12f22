"""Principals and roles: admin, government (a region), farm (its premises), public.

A government's region is a division code of any level and covers everything inside it. A
farm is bound to one premises registration code and sees and submits only its own records.
Public callers see aggregates only.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pigdata import errors
from pigdata.domain import regions


class Role(StrEnum):
    admin = "admin"
    government = "government"
    farm = "farm"
    public = "public"


@dataclass(frozen=True, slots=True)
class Principal:
    """Who a request or a command speaks for."""

    name: str
    role: Role
    scope: str | None = None  # division code (government) or premises code (farm)

    @property
    def submitter(self) -> str:
        """Give the name that messages and the upload log know this principal by."""
        return f"{self.role.value}:{self.name}"

    @property
    def entry_submitter(self) -> str:
        """Give who a ledger entry says sent it: the role and its scope, never a name.

        A token's name may be a person's; it stays in the node's upload log, beside the
        ledger, and out of the entries anyone can read in a proof bundle.
        """
        return f"{self.role.value}:{self.scope}" if self.scope else self.role.value

    @property
    def has_region(self) -> bool:
        """Tell whether this principal sees whole regions (admin, or a government)."""
        return self.role is Role.admin or (self.role is Role.government and bool(self.scope))

    def region_prefix(self) -> str:
        """Give the code prefix that every division inside a government's region starts with.

        A farm's scope is a premises code, not a division, so asking for a farm's region is
        refused (403) rather than looked up as an unknown division (which would answer 404).
        """
        if self.role is Role.farm:
            raise errors.Forbidden(
                f"{self.submitter} 不代表任何行政区划",
                f"{self.submitter} speaks for no administrative division",
            )
        if self.scope is None:
            return ""
        return region_prefix(self.scope)

    def covers_premises(self, code: str, township: str | None = None) -> bool:
        """Tell whether this principal may see and write the records of a premises."""
        if self.role is Role.admin:
            return True
        if self.role is Role.farm:
            return code == self.scope
        if self.role is Role.government and self.scope:
            place = township or code[:6]
            return place.startswith(self.region_prefix())
        return False

    def covers_division(self, code: str) -> bool:
        """Tell whether a division (or a premises code's county) lies in this principal's view."""
        if self.role is Role.admin:
            return True
        if self.role is Role.government and self.scope:
            return code.startswith(self.region_prefix())
        return False


def region_prefix(code: str) -> str:
    """Give the leading digits shared by a division and everything inside it.

    Codes are hierarchical by position (GB/T 2260): PP0000 a province, PPCC00 a prefecture,
    PPCCDD a county, and nine digits a township, so trailing zero pairs name no level.
    """
    return code[: regions.require(code).level.prefix_len]


ADMIN = Principal(name="local", role=Role.admin)
