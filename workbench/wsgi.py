"""WSGI entry point: ``gunicorn workbench.wsgi``."""

import gc
import os
from importlib import import_module

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workbench.settings")
application = get_wsgi_application()
# The URLs and the views they import, loaded now rather than by the first request.
import_module(settings.ROOT_URLCONF)
# Everything loaded so far lives as long as the process: frozen, the cyclic collector no longer
# walks it, so a full collection costs only what requests made since (reviews/formats/docx.py
# runs one after each .docx), and with `gunicorn --preload` the workers' collections do not
# write to, and so copy, the pages they share with the master (README, "Deploying").
gc.freeze()
