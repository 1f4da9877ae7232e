from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiTokensConfig(AppConfig):
    name = "apitokens"
    verbose_name = _("API tokens")

    def ready(self) -> None:
        from django.core import checks

        from apitokens.checks import check_middleware
        from apitokens.throttling import validate_rate_setting

        # A bad API_TOKEN_RATE stops start-up with one line, like every other setting.
        validate_rate_setting()
        checks.register(check_middleware, deploy=True)  # "manage.py check --deploy"
