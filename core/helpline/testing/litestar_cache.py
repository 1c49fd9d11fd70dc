"""Reuse Litestar's parsed handler signatures across the many apps a test session builds.

Every web test builds its own app (`create_app` around the test's runtime), and Litestar parses
each handler's signature (inspect + `get_type_hints` + field definitions) again for every app:
about a third of the ~0.5-1 s an app costs, ~600 handlers each time. The parse depends only on
the function and the names it is resolved against, and its result (`ParsedSignature`, made of
frozen `FieldDefinition`s) is never changed afterwards, so the test plugin memoizes it by function
and namespace. The first app of a session still parses everything the normal way; an app built
in a test is the same app production builds.
"""

from __future__ import annotations

import types
from typing import Any

_installed = False


def install() -> None:
    """Wrap `ParsedSignature.from_fn` with a per-process cache (idempotent)."""
    global _installed
    if _installed:
        return
    from litestar.utils import signature

    original = signature.ParsedSignature.from_fn.__func__
    cache: dict[Any, list[tuple]] = {}

    def from_fn(cls: type, fn: Any, signature_namespace: dict[str, Any]) -> Any:
        if type(fn) is types.FunctionType:
            # Closures made anew for every app (e.g. each route's OPTIONS handler) share their
            # code; what else a parse reads from the function object is compared below (defaults by
            # identity, so a closure whose defaults are made per call is simply parsed again).
            key: Any = fn.__code__
            kwdefaults = fn.__kwdefaults__ or {}
            defaults = (*(fn.__defaults__ or ()), *kwdefaults, *kwdefaults.values())
            parts: tuple = (fn.__module__, fn.__annotations__)
        elif type(fn) is types.MethodType and type(fn.__func__) is types.FunctionType:
            # A controller's handlers are bound to a new instance in every app: key them by
            # function, never by the instance (keeping it would keep every test's app alive).
            key, parts, defaults = ("method", fn.__func__.__code__), (fn.__func__,), ()
        else:  # anything else (classes, partials, callable objects) is parsed every time
            return original(cls, fn, signature_namespace)
        seen = cache.setdefault(key, [])
        for cls_seen, parts_seen, defaults_seen, namespace, parsed in seen:
            try:
                if (
                    cls_seen is cls
                    and len(defaults_seen) == len(defaults)
                    and all(a is b for a, b in zip(defaults_seen, defaults, strict=True))
                    and parts_seen == parts
                    and namespace == signature_namespace
                ):
                    return parsed
            except Exception:  # something that cannot be compared: parse as usual
                break
        parsed = original(cls, fn, signature_namespace)
        if len(seen) < 8:  # keeps the references compared above alive; bounded per function
            seen.append((cls, parts, defaults, dict(signature_namespace), parsed))
        return parsed

    signature.ParsedSignature.from_fn = classmethod(from_fn)  # type: ignore[method-assign]
    _installed = True
