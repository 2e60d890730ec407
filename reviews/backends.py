"""The password backend, loading the person of a session with their profile and the names of
their groups in one query: every page asks the profile for the person's time zone
(reviews.preferences.time_zone_of) and the groups for their desk roles (reviews.models.desk_roles).

Plain SQL through a raw queryset (which still converts each column as the ORM does), as in
reviews/progress.py: this runs on every request, and the ORM's form (select_related and a
Subquery of a StringAgg) costs more CPU to build and compile than the queries it saves, about
1.9 ms on this machine against 0.35 for this. The groups come as a JSON array, in text.
"""

import json

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connections, router

from reviews.models import Profile

# No parameter but the user's id: nothing else in it comes from a request.
PERSON_SQL = {
    "postgresql": """
SELECT u.*, p.id AS workbench_profile_id, p.time_zone AS workbench_time_zone,
  (SELECT json_agg(g.name)::text FROM auth_user_groups ug JOIN auth_group g ON g.id = ug.group_id
    WHERE ug.user_id = u.id) AS workbench_group_names
FROM auth_user u LEFT JOIN reviews_profile p ON p.user_id = u.id
WHERE u.id = %s
""",
    "sqlite": """
SELECT u.*, p.id AS workbench_profile_id, p.time_zone AS workbench_time_zone,
  (SELECT json_group_array(g.name) FROM auth_user_groups ug JOIN auth_group g ON g.id = ug.group_id
    WHERE ug.user_id = u.id) AS workbench_group_names
FROM auth_user u LEFT JOIN reviews_profile p ON p.user_id = u.id
WHERE u.id = %s
""",
}


def person(user_id):
    """The user with their profile (None when they have none) cached on them as select_related
    would, and their group names as desk_roles keeps them; or None."""
    User = get_user_model()
    using = router.db_for_read(User)
    sql = PERSON_SQL[connections[using].vendor]
    pk = User._meta.pk.to_python(user_id)
    user = next(iter(User._default_manager.db_manager(using).raw(sql, [pk])), None)
    if user is None:
        return None
    profile = None
    if user.workbench_profile_id is not None:
        values = [user.workbench_profile_id, user.pk, user.workbench_time_zone]
        profile = Profile.from_db(using, ["id", "user_id", "time_zone"], values)
        Profile.user.field.set_cached_value(profile, user)
    User.profile.related.set_cached_value(user, profile)
    # No group: NULL in PostgreSQL, "[]" in SQLite.
    user._workbench_groups = set(json.loads(user.workbench_group_names or "[]"))
    return user


class PersonBackend(ModelBackend):
    def get_user(self, user_id):
        user = person(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
