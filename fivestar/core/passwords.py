"""An account's own password: changing it, and the "must change at next login" flag an administrator's
reset sets (stored on the account's Person, see people.models.Person.must_change_password).

Changing a password revokes every API token of the account; Django's session check (the session keeps a
hash of the password) ends every other logged-in session, and the view keeps the current one.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.forms import PasswordChangeForm
from django.db import transaction
from django.utils import timezone

from fivestar.api.tokens import revoke_tokens
from fivestar.people.models import Person

from .models import AuditEvent

MUST_CHANGE_MESSAGE = "管理员已重置您的密码，请先修改密码后再继续使用系统。"


# A stolen session or token must not become a way to guess the current password: wrong old passwords are
# recorded (in the audit table, so every worker process sees them) and, like logins, limited per window.
FAILED_CHANGE_MODEL = "auth.password"


def _failure_window() -> timedelta:
    return timedelta(hours=float(getattr(settings, "AXES_COOLOFF_TIME", 0.25)))


def change_blocked_message(user) -> str:
    """A Chinese refusal when too many wrong old passwords were given recently, else ""."""
    limit = int(getattr(settings, "AXES_FAILURE_LIMIT", 5))
    since = timezone.now() - _failure_window()
    failures = AuditEvent.objects.filter(user=user, action=AuditEvent.Action.LOGIN, model=FAILED_CHANGE_MODEL, at__gte=since).count()
    if failures < limit:
        return ""
    minutes = max(1, round(_failure_window().total_seconds() / 60))
    return f"原密码连续输错 {failures} 次，修改密码已暂停，请 {minutes} 分钟后再试。"


def record_failed_change(user, form) -> None:
    """Count a refused change whose old password was wrong (not one refused for a weak new password)."""
    if "old_password" in form.errors:
        AuditEvent.objects.create(user=user, action=AuditEvent.Action.LOGIN, model=FAILED_CHANGE_MODEL, model_label="登录账号",
                                  object_id=str(user.pk), object_repr=user.username[:200], summary="修改密码时原密码错误")


def must_change_password(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return Person.objects.filter(user_id=user.pk, must_change_password=True).exists()


def password_reset_by_admin(account) -> None:
    """After an administrator set a new password: force a change at next login and revoke the API tokens.
    (The account's sessions already end: they carry a hash of the old password.)"""
    Person.objects.filter(user_id=account.pk).update(must_change_password=True)
    revoke_tokens(account)


def change_form(user, data=None) -> PasswordChangeForm:
    form = PasswordChangeForm(user, data)
    for field in form.fields.values():
        field.widget.attrs.setdefault("class", "form-control")
    return form


@transaction.atomic
def change_own_password(user, form: PasswordChangeForm) -> None:
    """Save a valid PasswordChangeForm: new password, flag cleared, every token revoked, one audit event."""
    form.save()
    Person.objects.filter(user_id=user.pk, must_change_password=True).update(must_change_password=False)
    revoke_tokens(user)
    person = Person.objects.filter(user_id=user.pk).select_related("org_unit").first()
    AuditEvent.objects.create(
        user=user, action=AuditEvent.Action.UPDATE, model="auth.user", model_label="登录账号", object_id=str(user.pk),
        object_repr=(f"{user.username}（{person.name}）" if person else user.username)[:200],
        org_unit=person.org_unit if person else None, summary="修改了自己的登录密码",
    )


def form_errors(form) -> list[dict]:
    """A bound form's errors as [{"field", "message"}] for the API (field names of the API payload)."""
    names = {"old_password": "old_password", "new_password1": "new_password", "new_password2": "new_password"}
    errors, seen = [], set()
    for field, messages in form.errors.items():
        for message in messages:
            key = (names.get(field, field), message)
            if key not in seen:
                seen.add(key)
                errors.append({"field": key[0], "message": message})
    return errors


def account_deactivated(account) -> None:
    """After an administrator deactivated an account: revoke its API tokens. (Its sessions already end:
    Django's ModelBackend refuses inactive users when a session is loaded.)"""
    revoke_tokens(account)
