"""Round.indicator_year (指标数据年度): which year's indicators a round reads. Existing rounds keep reading
their rating year, as they did before the field existed."""

from django.db import migrations, models
from django.db.models import F

HELP = (
    "本周期读取哪一年的指标数据（如村集体经济收入）。默认取周期结束时已经过完的最近一个完整年度："
    "周期结束于 12 月 31 日则取当年，否则取上一年；若今天早于周期结束日，则按今天算（尚未过完的年度通常还没有数据）。"
)


def keep_rating_year(apps, schema_editor):
    for name in ("Round", "HistoricalRound"):
        apps.get_model("rating", name).objects.update(indicator_year=F("year"))


class Migration(migrations.Migration):

    dependencies = [
        ('rating', '0005_round_job_heartbeat'),
    ]

    operations = [
        migrations.AddField(
            model_name='round',
            name='indicator_year',
            field=models.PositiveSmallIntegerField(default=0, help_text=HELP, verbose_name='指标数据年度'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='historicalround',
            name='indicator_year',
            field=models.PositiveSmallIntegerField(default=0, help_text=HELP, verbose_name='指标数据年度'),
            preserve_default=False,
        ),
        migrations.RunPython(keep_rating_year, migrations.RunPython.noop),
    ]
