from config.boot import load_settings

load_settings()

from django.core.asgi import get_asgi_application  # noqa: E402

application = get_asgi_application()
