"""API tokens for integrations. Only a hash is stored; the token is shown once when issued.

A token lives for settings.API_TOKEN_TTL (from created_at); expired tokens are refused and deleted
lazily. Logout revokes the token used; a password change, an administrator's reset and deactivation
revoke every token of the account (see fivestar.api.tokens).
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_ttl() -> timedelta:
    return timedelta(hours=getattr(settings, "API_TOKEN_TTL_HOURS", 168))


class ApiTokenQuerySet(models.QuerySet):
    def live(self, now=None):
        return self.filter(created_at__gt=(now or timezone.now()) - token_ttl())

    def expired(self, now=None):
        return self.filter(created_at__lte=(now or timezone.now()) - token_ttl())


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    label = models.CharField("用途", max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"

    @property
    def expires_at(self):
        return self.created_at + token_ttl()

    @classmethod
    def issue(cls, user, label: str = "") -> str:
        token = secrets.token_urlsafe(32)
        cls.objects.create(user=user, key_hash=hash_token(token), label=label[:60])
        return token
