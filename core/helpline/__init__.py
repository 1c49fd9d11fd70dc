"""Helpline core: tickets, users, roles, hook specs and the plugin host."""

import os

import pluggy

# Piccolo resolves its configuration module on first use; point it at ours before any table is used.
os.environ.setdefault("PICCOLO_CONF", "helpline.piccolo_conf")

__version__ = "0.1.0"
#: Version of the hook API; plugins declare the range they support (docs/compatibility.md).
#: 1.1 added `attachments` to `deliver_notification`.
HOOK_API_VERSION = "1.1"

hookimpl = pluggy.HookimplMarker("helpline")
#: For plugins that offer hooks of their own (see `helpline_hookspecs` in docs/plugins.md).
hookspec = pluggy.HookspecMarker("helpline")

__all__ = ["HOOK_API_VERSION", "__version__", "hookimpl", "hookspec"]
