"""Local demo: one laptop, SQLite, DEBUG off so pages look as in production."""

import os

from .base import *  # noqa: F401,F403

DEBUG = os.environ.get("DEBUG", "") == "1"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
