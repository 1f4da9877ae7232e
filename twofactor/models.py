from django.utils.translation import gettext_lazy as _

from core.models import User


class AccountSecurity(User):
    """The staff list as the administrator sees it for login problems: who is locked out,
    who uses two-step login; unlock and reset from here (twofactor.admin)."""

    class Meta:
        proxy = True
        verbose_name = _("account security")
        verbose_name_plural = _("account security")
