"""API tokens for integrations. Only a hash is stored; the token is shown once when issued."""

import hashlib
import secrets

from django.conf import settings
from django.db import models


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    label = models.CharField("用途", max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"

    @classmethod
    def issue(cls, user, label: str = "") -> str:
        token = secrets.token_urlsafe(32)
        cls.objects.create(user=user, key_hash=hash_token(token), label=label)
        return token
