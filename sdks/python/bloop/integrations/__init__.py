"""Framework integrations: WSGI and ASGI middleware, Flask and Django helpers, a logging handler.

Each module imports its framework only when used, so ``import bloop`` never needs Flask or Django."""
from typing import Any, Optional


def _client(client: Any) -> Optional[Any]:
    if client is not None:
        return client
    from .. import get_client
    return get_client()
