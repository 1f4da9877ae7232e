import gc

from config.boot import load_settings

load_settings()

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.urls import get_resolver  # noqa: E402

application = get_wsgi_application()

# Django, the apps, the URL configuration and the views stay for the life of the process: moved
# out of the cyclic collector's sight, its full collections stop walking them again and again
# (~2 ms of every page on the benchmark). Python's own advice for pre-forking servers.
get_resolver().url_patterns  # noqa: B018 - import every view module now, not on the first request
gc.freeze()
