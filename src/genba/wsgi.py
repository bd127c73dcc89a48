import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "genba.settings")
application = get_wsgi_application()

# Everything built while loading the app lives as long as the process: move it out of the garbage
# collector's reach, so that full collections during requests walk only what requests allocate
# (a full collection cost ~60 ms per search in bench/availability.py before this).
gc.freeze()
