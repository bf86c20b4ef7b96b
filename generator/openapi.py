"""Facts of OpenAPI and of Atlas's versioned media types that several stages read (validate,
model, diff): they live below every stage so that no stage imports a later one."""

from __future__ import annotations

import re

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
ATLAS_MEDIA_TYPE = re.compile(
    r"^application/vnd\.atlas\.(?P<version>\d{4}-\d{2}-\d{2}|preview)\+(?P<format>json|gzip|csv)$"
)
# The Atlas CLI's own extension, as its api-generator reads it; ``watcher`` is what we use.
ATLASCLI_EXTENSION = "x-xgen-atlascli"
# ``$`` then ``.name`` or ``[index]`` steps: the JSON path subset of watchers.
WATCHER_PATH = re.compile(r"^\$(?:\.[A-Za-z_][A-Za-z0-9_-]*|\[\d+\])*$")
WATCHER_SOURCE = re.compile(r"^(?P<source>input|body):(?P<value>.+)$")
