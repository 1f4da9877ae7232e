from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeskConfig(AppConfig):
    """Commands that span the apps: loading a town and building the demo town."""

    name = "desk"
    verbose_name = _("The desk")
