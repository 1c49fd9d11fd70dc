"""The core's own defaults, each an ordinary plugin (see `helpline.plugins.DEFAULT_PLUGINS`)."""
