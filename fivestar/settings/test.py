"""Test settings: the database comes from DATABASE_URL (PostgreSQL) or a throwaway SQLite file."""

import os
import tempfile

from .base import *  # noqa: F401,F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
WHITENOISE_USE_FINDERS = True
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
MEDIA_ROOT = tempfile.mkdtemp(prefix="fivestar-test-media-")
AXES_FAILURE_LIMIT = 5
if "DATABASE_URL" not in os.environ:
    DATABASES["default"]["TEST"] = {"NAME": os.path.join(tempfile.gettempdir(), f"fivestar-test-{os.getpid()}.sqlite3")}  # noqa: F405
STATIC_ROOT = tempfile.mkdtemp(prefix="fivestar-test-static-")
