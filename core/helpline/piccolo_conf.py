"""Piccolo configuration: the engine is set by `helpline.db.use_engine`; apps are discovered."""

from piccolo.conf.apps import AppRegistry

from helpline.plugins import piccolo_app_modules

#: Replaced at start by `helpline.db.use_engine`; Piccolo reads it through `engine_finder()`.
DB = None

APP_REGISTRY = AppRegistry(apps=piccolo_app_modules())
