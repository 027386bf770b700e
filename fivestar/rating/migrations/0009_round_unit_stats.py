"""Round figures kept at every level (town, county, city, province), replacing the per-town table.

The rows of every round that has branches are built here from its assessments (what
`fivestar rebuild-round-stats` does), so pages read complete figures right after the upgrade."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count

TOWN = 4


def _empty():
    return {"by_status": {}, "by_rating": {}, "by_category": {}, "community": 0, "total": 0}


def _add(into, key, figures_key, n):
    into[figures_key][key] = into[figures_key].get(key, 0) + n


def build(apps, schema_editor):
    Round = apps.get_model("rating", "Round")
    Assessment = apps.get_model("rating", "Assessment")
    OrgUnit = apps.get_model("orgs", "OrgUnit")
    Stats = apps.get_model("rating", "RoundUnitStats")
    for rnd in Round.objects.filter(assessments__isnull=False).distinct().select_related("scope").iterator():
        towns = {}
        grouped = (Assessment.objects.filter(round_id=rnd.pk).order_by()
                   .values_list("town_id", "status", "rating", "org_unit__category", "org_unit__branch_type").annotate(n=Count("id")))
        for town_id, status, rating, category, branch_type, n in grouped:
            if town_id is None:
                continue
            f = towns.setdefault(town_id, _empty())
            _add(f, status, "by_status", n)
            _add(f, str(rating), "by_rating", n)
            _add(f, category or "", "by_category", n)
            f["community"] += n if branch_type == "community" else 0
            f["total"] += n
        units = {uid: (level, parent_id) for uid, level, parent_id in
                 OrgUnit.objects.filter(path__startswith=rnd.scope.path, level__lte=TOWN).values_list("id", "level", "parent_id")}
        totals = {}
        for town_id, f in towns.items():
            unit_id = town_id
            while unit_id in units:
                t = totals.setdefault(unit_id, _empty())
                for name in ("by_status", "by_rating", "by_category"):
                    for key, n in f[name].items():
                        _add(t, key, name, n)
                t["community"] += f["community"]
                t["total"] += f["total"]
                if unit_id == rnd.scope_id:
                    break
                unit_id = units[unit_id][1]
        Stats.objects.bulk_create([
            Stats(round_id=rnd.pk, unit_id=uid, level=units[uid][0], parent_id=None if uid == rnd.scope_id else units[uid][1], **f)
            for uid, f in totals.items()
        ], batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ('orgs', '0001_initial'),
        ('rating', '0008_review_seen'),
    ]

    operations = [
        migrations.CreateModel(
            name='RoundUnitStats',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('level', models.PositiveSmallIntegerField(verbose_name='层级')),
                ('by_status', models.JSONField(default=dict)),
                ('by_rating', models.JSONField(default=dict)),
                ('by_category', models.JSONField(default=dict)),
                ('community', models.PositiveIntegerField(default=0)),
                ('total', models.PositiveIntegerField(default=0)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('parent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='orgs.orgunit')),
                ('round', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='unit_stats', to='rating.round')),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='orgs.orgunit')),
            ],
            options={
                'verbose_name': '评星统计',
                'verbose_name_plural': '评星统计',
            },
        ),
        migrations.AddIndex(
            model_name='roundunitstats',
            index=models.Index(fields=['round', 'parent'], name='round_unit_stats_children'),
        ),
        migrations.AddConstraint(
            model_name='roundunitstats',
            constraint=models.UniqueConstraint(fields=('round', 'unit'), name='round_unit_stats_unique'),
        ),
        migrations.RunPython(build, migrations.RunPython.noop),
        migrations.DeleteModel(
            name='RoundTownStats',
        ),
    ]
