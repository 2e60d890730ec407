"""The password backend, loading the person of a session with their profile and the names of
their groups in one query: every page asks the profile for the person's time zone
(reviews.preferences.time_zone_of) and the groups for their desk roles (reviews.models.desk_roles).
A signed-in request reads no query of its own for them: the same columns come with the
session's row (reviews/sessions.py, reviews/session_user.py); this query reads a person whose
session does not name them in its user column.

Plain SQL, the user built by reviews/plain_sql.py (each column converted as the ORM does), as
in reviews/progress.py: this runs on every request, and the ORM's form (select_related and a
Subquery of a StringAgg) costs more CPU to build and compile than the queries it saves, about
1.9 ms on this machine against 0.15 for this; a raw queryset, which maps its columns by name
on every call, cost 0.47 (bench/fixed_cost.py's saves). The groups come as a JSON array, in
text.
"""

import json

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connection

from reviews import plain_sql, session_user
from reviews.models import Profile

# "{columns}" is the user's columns in plain_sql's order (alias u); the profile's id and zone
# and the group names follow. The same columns come with the session's row (reviews/sessions.py).
PERSON_COLUMNS = {
    "postgresql": """{columns}, p.id, p.time_zone,
  (SELECT json_agg(g.name)::text FROM auth_user_groups ug JOIN auth_group g ON g.id = ug.group_id
    WHERE ug.user_id = u.id)""",
    "sqlite": """{columns}, p.id, p.time_zone,
  (SELECT json_group_array(g.name) FROM auth_user_groups ug JOIN auth_group g ON g.id = ug.group_id
    WHERE ug.user_id = u.id)""",
}

# No parameter but the user's id: nothing else in it comes from a request.
PERSON_SQL = """
SELECT {person} FROM auth_user u LEFT JOIN reviews_profile p ON p.user_id = u.id WHERE u.id = %s
"""


def person_columns():
    """The SELECT list of a person, for a query whose FROM has auth_user as u and their
    reviews_profile as p (a LEFT JOIN); person_of() reads it back."""
    columns = plain_sql.columns(get_user_model(), "u")
    return PERSON_COLUMNS[connection.vendor].format(columns=columns)


def person(user_id):
    """The user with their profile (None when they have none) cached on them as select_related
    would, and their group names as desk_roles keeps them; or None."""
    User = get_user_model()
    pk = User._meta.pk.to_python(user_id)
    with connection.cursor() as cursor:
        cursor.execute(PERSON_SQL.format(person=person_columns()), [pk])
        row = cursor.fetchone()
    return None if row is None else person_of(row)


def person_of(row):
    """The person in the values of person_columns(), or None when they are NULL (the empty
    side of a LEFT JOIN)."""
    User = get_user_model()
    *columns, profile_id, time_zone, group_names = row
    user = plain_sql.instance(User, columns)
    if user is None:
        return None
    profile = None
    if profile_id is not None:
        values = [profile_id, user.pk, time_zone]
        profile = Profile.from_db(connection.alias, ["id", "user_id", "time_zone"], values)
        Profile.user.field.set_cached_value(profile, user)
    User.profile.related.set_cached_value(user, profile)
    # No group: NULL in PostgreSQL, "[]" in SQLite.
    user._workbench_groups = set(json.loads(group_names or "[]"))
    return user


class PersonBackend(ModelBackend):
    def get_user(self, user_id):
        # The person the session's own read brought (reviews/session_user.py), else a query.
        user = session_user.loaded_person(user_id) or person(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
