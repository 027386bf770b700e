class WorkflowError(Exception):
    """A step the workflow does not allow now; the message is shown to the user (Chinese)."""

    def __init__(self, message: str, details: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.details = details or []

    def __str__(self):
        return self.message + ("\n" + "\n".join(self.details) if self.details else "")


class ConflictError(WorkflowError):
    """Someone else changed the rules being saved since this user loaded them."""

    def __init__(self, changes: list[dict], current_version: int, message: str = ""):
        super().__init__(message or "保存冲突：在您编辑期间，他人已修改本申报。请核对以下变化后重新保存。")
        self.changes = changes
        self.current_version = current_version
