"""Production password hashing: new passwords are Argon2id at the OWASP parameters; an account still hashed
with Django's PBKDF2 logs in and is rehashed (the test settings use MD5 for speed, so the production list is
applied here)."""

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.hashers import make_password
from django.test import RequestFactory, override_settings

from fivestar.settings import base

pytestmark = pytest.mark.django_db


@override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS)
def test_new_passwords_are_argon2id_with_owasp_parameters():
    encoded = make_password("村书记的密码-2026")
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")


@override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS)
def test_a_pbkdf2_account_logs_in_and_is_rehashed():
    user = get_user_model().objects.create(username="old-hash")
    user.password = make_password("旧密码-village-1", hasher="pbkdf2_sha256")
    user.save()
    assert user.password.startswith("pbkdf2_sha256$")
    login = RequestFactory().post("/login/")
    assert authenticate(login, username="old-hash", password="旧密码-village-1") == user
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$")
    assert authenticate(login, username="old-hash", password="wrong-password") is None
