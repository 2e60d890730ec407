from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Reviews"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from reviews.sessions import mark_refreshed

        user_logged_in.connect(mark_refreshed, dispatch_uid="workbench_session_refreshed")
