"""Demo step: the boards' kept figures (挂图作战) of the demo year, rebuilt from everything the earlier steps loaded
(targets, stars, problems, ledger tasks, flags), so 庆祖镇's board and 濮阳县's roll-up are meaningful at once."""


class BoardsDemo:
    def __init__(self, today):
        from django.utils import timezone

        self.today = today or timezone.localdate()
        self.rows = 0

    def load(self) -> bool:
        from fivestar.boards.figures import rebuild
        from fivestar.boards.models import BoardDirty

        self.rows = rebuild(self.today.year, today=self.today)
        BoardDirty.objects.all().delete()  # the rebuild covers every mark the earlier steps left
        return True

    def summary(self) -> str:
        return f"{self.today.year} 年度挂图作战统计数 {self.rows} 行（乡镇及以上各级）"
