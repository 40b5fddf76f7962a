import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "txng.settings")
application = get_wsgi_application()

# Everything loaded so far (Django, the apps, their modules) lives as long as the process. Moved
# out of the collector's generations, it is not traversed again by every full collection that
# a request's allocations trigger: about 3% of a busy worker's CPU went to those traversals.
gc.freeze()
