"""ObservationEvent.meeting_id (a bare integer) becomes a foreign key to its 季观摩 meeting, keeping the values: the
field is renamed first (column meeting_id → meeting) and then altered into the key (column back to meeting_id)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("meetings", "0002_series_history"),
        ("observation", "0002_flag_adjustments"),
    ]

    operations = [
        migrations.RenameField(model_name="observationevent", old_name="meeting_id", new_name="meeting"),
        migrations.AlterField(
            model_name="observationevent",
            name="meeting",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                    related_name="observation_events", to="meetings.meeting", verbose_name="关联会议"),
        ),
        migrations.RenameField(model_name="historicalobservationevent", old_name="meeting_id", new_name="meeting"),
        migrations.AlterField(
            model_name="historicalobservationevent",
            name="meeting",
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING,
                                    related_name="+", to="meetings.meeting", verbose_name="关联会议"),
        ),
    ]
