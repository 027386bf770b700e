"""Password validators whose messages Django 5.2 leaves in English under zh-hans.

Django 5.2's MinimumLengthValidator builds its error with the msgid "…at least %d character(s)." while its
zh_Hans catalogue still holds "…at least %(min_length)d …", so the error showed in English. Same check,
Chinese message.
"""

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(self.get_error_message(), code="password_too_short", params={"min_length": self.min_length})

    def get_error_message(self):
        return f"密码长度太短。密码必须包含至少 {self.min_length} 个字符。"

    def get_help_text(self):
        return f"你的密码必须包含至少 {self.min_length} 个字符。"
