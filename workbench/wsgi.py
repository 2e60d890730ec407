"""WSGI entry point: ``gunicorn workbench.wsgi``."""

import gc
import os
from importlib import import_module

from django.conf import settings
from django.core.wsgi import get_wsgi_application

from workbench import heap

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workbench.settings")
# After a request that left the worker much larger, its garbage is collected and the freed pages
# given back (workbench/heap.py): a 1,500-row page would otherwise keep it 15 to 25 MB larger.
application = heap.trimming(get_wsgi_application())
# The URLs and the views they import, loaded now rather than by the first request.
import_module(settings.ROOT_URLCONF)
# Everything loaded so far lives as long as the process: frozen, the cyclic collector no longer
# walks it, so a full collection costs only what requests made since (reviews/formats/docx.py
# runs one after each .docx), and with `gunicorn --preload` the workers' collections do not
# write to, and so copy, the pages they share with the master (README, "Deploying").
gc.freeze()
