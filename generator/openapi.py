"""Facts of OpenAPI and of Atlas's versioned media types that several stages read (validate,
model, diff): they live below every stage so that no stage imports a later one."""

from __future__ import annotations

import re

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
ATLAS_MEDIA_TYPE = re.compile(
    r"^application/vnd\.atlas\.(?P<version>\d{4}-\d{2}-\d{2}|preview)\+(?P<format>json|gzip|csv)$"
)
