"""The session's person (reviews.backends.person), read with plain SQL: the same user the ORM
reads, field by field and with each field's Python type, its profile and its groups."""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from reviews.backends import PersonBackend, person
from reviews.models import desk_roles
from reviews.preferences import set_time_zone, time_zone_of


def test_the_person_is_the_orm_s_user_field_by_field(people):
    User = get_user_model()
    editor = User.objects.get(pk=people.editor.pk)
    editor.last_login = timezone.now() - datetime.timedelta(days=2)
    editor.is_staff = True
    editor.save()
    expected = User.objects.get(pk=editor.pk)
    found = person(editor.pk)
    assert type(found) is User
    assert not found._state.adding
    for field in User._meta.concrete_fields:
        value = getattr(found, field.attname)
        assert value == getattr(expected, field.attname), field.name
        # SQLite gives text and integers: converted as the ORM converts them.
        assert type(value) is type(getattr(expected, field.attname)), field.name
    assert isinstance(found.last_login, datetime.datetime)
    assert found.is_staff is True and found.is_superuser is False


def test_the_person_s_profile_and_groups_come_with_them(people, django_assert_num_queries):
    set_time_zone(people.translator, "Asia/Seoul")
    people.translator.groups.add(Group.objects.get_or_create(name="editor")[0])
    with django_assert_num_queries(1):
        translator = person(people.translator.pk)
        assert time_zone_of(translator) == "Asia/Seoul"
        assert desk_roles(translator) == {"translator", "editor"}
        assert translator.profile.user is translator
    people.outsider.groups.clear()
    with django_assert_num_queries(1):
        nobody = person(people.outsider.pk)
        assert time_zone_of(nobody) == ""  # no profile: the desk's zone, no second query
        assert desk_roles(nobody) == set()


def test_no_person_for_a_missing_or_inactive_user(people):
    assert person(10**9) is None
    assert PersonBackend().get_user(10**9) is None
    people.outsider.is_active = False
    people.outsider.save()
    assert person(people.outsider.pk) is not None
    assert PersonBackend().get_user(people.outsider.pk) is None
