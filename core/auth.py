from django.contrib.auth.backends import ModelBackend

from core.models import User


class DeskBackend(ModelBackend):
    """Loads the signed-in user with their town, village and grid in one query:
    every page shows them, so fetching them one by one would cost three more queries."""

    def get_user(self, user_id):
        user = User.objects.select_related("town", "village", "grid").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
