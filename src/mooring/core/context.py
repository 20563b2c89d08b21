"""Who is acting, from where: passed into every service so audit rows are complete."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.http import HttpRequest

    from mooring.accounts.models import Clinic, User


@dataclass(frozen=True)
class Actor:
    user: User | None
    clinic: Clinic | None = None
    roles: tuple[str, ...] = ()
    source_address: str = ""
    user_agent: str = ""
    channel: str = "web"  # web, api, cli, system

    @property
    def role_label(self) -> str:
        return ",".join(sorted(self.roles))


def client_address(request: HttpRequest) -> str:
    # Behind the TLS proxy the proxy sets X-Forwarded-For; only its first hop is the client.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded:
        return forwarded.split(",")[0].strip()[:64]
    return request.META.get("REMOTE_ADDR", "")[:64]


def system_actor(user: User | None = None, clinic: Clinic | None = None,
                 channel: str = "system") -> Actor:
    return Actor(user=user, clinic=clinic, roles=(), channel=channel)
