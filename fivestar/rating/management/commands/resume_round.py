"""`fivestar resume-round ID [--here]`: continue opening a round whose background job stopped (已停滞).

Queues the opening again for `fivestar worker`; with --here it runs in this process instead (for a
machine with no worker running). Either way branches that already have their assessment are kept.
"""

from django.core.management.base import BaseCommand, CommandError

from fivestar.core import jobs
from fivestar.rating.models import Round
from fivestar.rating.services.errors import WorkflowError
from fivestar.rating.services.opening import populate_round, resume_opening


class Command(BaseCommand):
    help = "继续开启已停滞的评星周期（重新排队；--here 在本进程中直接完成）"

    def add_arguments(self, parser):
        parser.add_argument("round_id", type=int)
        parser.add_argument("--here", action="store_true", help="不经后台任务进程，直接在本进程中完成开启")

    def handle(self, *args, **options):
        rnd = Round.objects.filter(pk=options["round_id"]).first()
        if rnd is None:
            raise CommandError(f"评星周期 {options['round_id']} 不存在")
        if rnd.phase != Round.Phase.OPENING:
            raise CommandError(f"评星周期「{rnd.name}」不在开启中（{rnd.get_phase_display()}），无需继续")
        if options["here"]:
            if not jobs.is_stalled(rnd.heartbeat_at):
                raise CommandError("后台任务仍在进行，请稍候；超过停滞时限后再继续")
            created = populate_round(rnd.pk)
            rnd.refresh_from_db()
            self.stdout.write(f"评星周期「{rnd.name}」已开启：本次新建 {created:,} 份申报，共 {rnd.open_done:,} 份")
            return
        try:
            self.stdout.write(resume_opening(rnd))
        except WorkflowError as exc:
            raise CommandError(exc.message) from exc
