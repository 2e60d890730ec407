"""The client's address for django-axes (AXES_CLIENT_IP_CALLABLE).

Without WORKBENCH_TRUST_X_FORWARDED_FOR it is the connection's address: anyone can send an
X-Forwarded-For header, so believing it would let an attacker pick a fresh address for every
guess. With it, the app is behind WORKBENCH_PROXY_COUNT proxies that each append the address
they saw, so the client is that many entries from the right; what the client put further
left is ignored.
"""

import ipaddress

from django.conf import settings


def client_ip(request):
    remote = request.META.get("REMOTE_ADDR")
    if not settings.WORKBENCH_TRUST_X_FORWARDED_FOR:
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    count = settings.WORKBENCH_PROXY_COUNT
    if len(forwarded) < count or not forwarded[-count]:
        return remote
    candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
