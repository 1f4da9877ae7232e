from django.utils.functional import SimpleLazyObject

from core.navigation import nav_items_for
from core.selectors import town_for_request


def desk(request):
    user = request.user
    return {
        "desk_town": SimpleLazyObject(lambda: town_for_request(user)),
        "nav_items": SimpleLazyObject(lambda: nav_items_for(user)),
    }
