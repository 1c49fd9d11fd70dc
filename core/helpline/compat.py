"""The hook API's version, the ranges plugins declare, and deprecations of hook arguments.

The policy (docs/compatibility.md): `HOOK_API_VERSION` is `MAJOR.MINOR`. Adding a hook, or an
argument to a hook, is a minor change: implementations name only the arguments they use, so
nothing breaks. Renaming or removing an argument, removing a hook or changing what a hook must
return is a major change, and it is announced first: for at least one minor release the old
argument is still passed and implementations that ask for it get a `HelplineDeprecationWarning`
when they are registered, naming the replacement.

A plugin declares the range it supports in its module: `helpline_api = ">=1.0,<2"`. A plugin
whose range excludes the running core is not loaded; `helpline plugins list` says why.
"""

from __future__ import annotations

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version

from helpline import HOOK_API_VERSION


class HelplineDeprecationWarning(DeprecationWarning):
    """A plugin uses a hook or hook argument that a future major hook API removes."""


def renamed(old: str, new: str, removed_in: str) -> HelplineDeprecationWarning:
    """The warning for a hookspec's `warn_on_impl_args` when argument `old` became `new`."""
    return HelplineDeprecationWarning(
        f"hook argument `{old}` is deprecated and goes away in hook API {removed_in}; use `{new}`"
    )


def declared_range(plugin: object) -> str | None:
    """The hook API range a plugin declares (its `helpline_api` attribute), if any."""
    value = getattr(plugin, "helpline_api", None)
    return str(value) if value is not None else None


def incompatibility(plugin: object, api: str = HOOK_API_VERSION) -> str | None:
    """Why `plugin` cannot run on hook API `api`, or None when it can (or declares nothing)."""
    declared = declared_range(plugin)
    if declared is None:
        return None
    try:
        spec = SpecifierSet(declared)
    except InvalidSpecifier:
        return f"declares an unreadable hook API range {declared!r}"
    if Version(api) in spec:
        return None
    return f"supports hook API {declared}; this core provides {api}"
