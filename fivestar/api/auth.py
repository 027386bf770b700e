"""Bearer-token authentication for the API; tokens are issued by POST /auth/token."""

from django.utils import timezone
from ninja.security import HttpBearer

from .models import ApiToken, hash_token


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        row = ApiToken.objects.select_related("user").filter(key_hash=hash_token(token), user__is_active=True).first()
        if row is None:
            return None
        now = timezone.now()
        if row.last_used_at is None or (now - row.last_used_at).total_seconds() > 300:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        request.user = row.user
        return row.user
