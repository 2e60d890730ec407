"""Sessions with the user they hold (reviews.models.Session), the live ones copied from
django_session with that user filled from their data: nobody is logged out by the change. The
old table is left as it is; nothing reads it now."""

import django.db.models.deletion
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import migrations, models


def copy_live_sessions(apps, schema_editor):
    # Django's store decodes them: its salt names the class, SessionStore, as ours does.
    from django.contrib.auth import SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    Old = apps.get_model("sessions", "Session")
    New = apps.get_model("reviews", "Session")
    User = apps.get_model(settings.AUTH_USER_MODEL)
    users = set(User.objects.values_list("pk", flat=True))
    store = SessionStore()
    copies = []
    for old in Old.objects.filter(expire_date__gt=timezone.now()).iterator(chunk_size=1000):
        user_id = store.decode(old.session_data).get(SESSION_KEY)
        try:
            user_id = User._meta.pk.to_python(user_id)
        except ValidationError:
            user_id = None
        copies.append(
            New(
                session_key=old.session_key,
                session_data=old.session_data,
                expire_date=old.expire_date,
                user_id=user_id if user_id in users else None,
            )
        )
    New.objects.bulk_create(copies, batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ('reviews', '0022_memory_stop_keys'),
        ('sessions', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Session',
            fields=[
                ('session_key', models.CharField(max_length=40, primary_key=True, serialize=False, verbose_name='session key')),
                ('session_data', models.TextField(verbose_name='session data')),
                ('expire_date', models.DateTimeField(db_index=True, verbose_name='expire date')),
                ('user', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'session',
                'verbose_name_plural': 'sessions',
                'abstract': False,
            },
        ),
        migrations.RunPython(copy_live_sessions, migrations.RunPython.noop),
    ]
