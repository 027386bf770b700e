"""Token use cases: issue, list and revoke an account's API tokens (writes; views and endpoints stay thin)."""

from django.utils import timezone

from .models import ApiToken


def issue_token(user, label: str = "") -> str:
    """A new token for `user` (shown once); the account's expired tokens are deleted on the way."""
    ApiToken.objects.filter(user=user).expired().delete()
    return ApiToken.issue(user, label=label.strip())


def list_tokens(user):
    """The account's tokens that are still valid, newest first."""
    return ApiToken.objects.filter(user=user).live().order_by("-created_at", "-pk")


def revoke_token(user, token_id: int) -> bool:
    """Revoke one of the account's own tokens; False when it is not theirs (or does not exist)."""
    deleted, _ = ApiToken.objects.filter(user=user, pk=token_id).delete()
    return bool(deleted)


def revoke_tokens(user, keep=None) -> int:
    """Revoke every token of the account (password change, reset, deactivation), except `keep` if given."""
    rows = ApiToken.objects.filter(user=user)
    if keep is not None:
        rows = rows.exclude(pk=keep.pk)
    deleted, _ = rows.delete()
    return deleted


def touch(token: ApiToken) -> None:
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 300:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
