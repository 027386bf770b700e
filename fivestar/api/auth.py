"""Bearer-token authentication for the API; tokens are issued by POST /auth/token.

A token is refused once expired (settings.API_TOKEN_TTL_HOURS, then deleted), when its account is
deactivated, and after it was revoked (logout, password change, an administrator's reset). An account
whose password an administrator reset gets 403 everywhere except the endpoints that let it change the
password or log out (auth=BearerToken(allow_must_change=True)).
"""

from django.db.models import Exists, OuterRef
from django.utils import timezone
from ninja.errors import HttpError
from ninja.security import HttpBearer

from fivestar.people.models import Person

from .models import ApiToken, hash_token
from .tokens import touch

MUST_CHANGE_API = "管理员已重置您的密码，请先通过 POST /api/v1/auth/password 修改密码后再调用接口。"


class BearerToken(HttpBearer):
    def __init__(self, allow_must_change: bool = False):
        super().__init__()
        self.allow_must_change = allow_must_change

    def authenticate(self, request, token):
        row = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=hash_token(token), user__is_active=True)
            .annotate(must_change=Exists(Person.objects.filter(user_id=OuterRef("user_id"), must_change_password=True)))
            .first()
        )
        if row is None:
            return None
        if row.expires_at <= timezone.now():
            ApiToken.objects.filter(pk=row.pk).delete()
            return None
        touch(row)
        if row.must_change and not self.allow_must_change:
            raise HttpError(403, MUST_CHANGE_API)
        request.user = row.user
        request.api_token = row
        return row.user
