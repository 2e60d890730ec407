"""The password backend, loading the person of a session with their profile and the names of
their groups in one query: every page asks the profile for the person's time zone
(reviews.preferences.time_zone_of) and the groups for their desk roles (reviews.models.desk_roles).

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

from reviews import plain_sql
from reviews.models import Profile

# No parameter but the user's id: nothing else in it comes from a request. "{columns}" is the
# user's columns in plain_sql's order; the profile's id and zone and the group names follow.
PERSON_SQL = {
    "postgresql": """
SELECT {columns}, p.id, p.time_zone,
  (SELECT json_agg(g.name)::text FROM auth_user_groups ug JOIN auth_group g ON g.id = ug.group_id
    WHERE ug.user_id = u.id)
FROM auth_user u LEFT JOIN reviews_profile p ON p.user_id = u.id
WHERE u.id = %s
""",
    "sqlite": """
SELECT {columns}, p.id, p.time_zone,
  (SELECT json_group_array(g.name) FROM auth_user_groups ug JOIN auth_group g ON g.id = ug.group_id
    WHERE ug.user_id = u.id)
FROM auth_user u LEFT JOIN reviews_profile p ON p.user_id = u.id
WHERE u.id = %s
""",
}


def person(user_id):
    """The user with their profile (None when they have none) cached on them as select_related
    would, and their group names as desk_roles keeps them; or None."""
    User = get_user_model()
    sql = PERSON_SQL[connection.vendor].format(columns=plain_sql.columns(User, "u"))
    pk = User._meta.pk.to_python(user_id)
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk])
        row = cursor.fetchone()
    if row is None:
        return None
    *columns, profile_id, time_zone, group_names = row
    user = plain_sql.instance(User, columns)
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
        user = person(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
