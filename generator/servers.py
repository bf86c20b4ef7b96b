"""The API root the generated client talks to: ``servers[0].url`` with its ``{variables}``
replaced by their defaults. Shared by validation (which reports an unusable URL where it is
written) and the model (which takes the URL as this returns it)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

DEFAULT_SERVER_URL = "https://cloud.mongodb.com"
_VARIABLE = re.compile(r"\{([^{}]*)\}")
_UNSAFE = re.compile(r"[\s\x00-\x1f\x7f-\x9f\u2028\u2029\"'<>\\^`{|}]")


class ServerUrlError(ValueError):
    """Why a server URL cannot be the client's base URL (the message, without location)."""


def server_url(servers: Any) -> str:
    """The base URL from the OpenAPI ``servers`` list (the first entry), variables expanded.

    Raises :class:`ServerUrlError` unless the result is an absolute http(s) URL with a host
    and nothing a URL does not carry unescaped (spaces, quotes, control characters).
    """
    if not isinstance(servers, list) or not servers:
        return DEFAULT_SERVER_URL
    server = servers[0] if isinstance(servers[0], dict) else {}
    url = server.get("url")
    if not isinstance(url, str) or not url:
        return DEFAULT_SERVER_URL
    variables = server.get("variables")
    variables = variables if isinstance(variables, dict) else {}

    def default(match: re.Match[str]) -> str:
        variable = variables.get(match.group(1))
        value = variable.get("default") if isinstance(variable, dict) else None
        if not isinstance(value, str):
            raise ServerUrlError(f"server variable {{{match.group(1)}}} has no string default")
        return value

    expanded = _VARIABLE.sub(default, url)
    unsafe = _UNSAFE.search(expanded)
    if unsafe:
        raise ServerUrlError(
            f"server URL {expanded!r} holds {unsafe.group()!r}, which a URL cannot carry unescaped"
        )
    try:
        parts = urlsplit(expanded)
        usable = parts.scheme in ("http", "https") and bool(parts.hostname)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError as exc:
        raise ServerUrlError(f"server URL {expanded!r} does not parse: {exc}") from None
    if not usable:
        raise ServerUrlError(f"server URL {expanded!r} is not an absolute http or https URL")
    return expanded.rstrip("/")
