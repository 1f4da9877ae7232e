from rest_framework.routers import DefaultRouter

from petitions.api import CategoryViewSet, PetitionViewSet, UnitViewSet

router = DefaultRouter()
router.register("petitions", PetitionViewSet, basename="petition")
router.register("categories", CategoryViewSet, basename="category")
router.register("units", UnitViewSet, basename="unit")

urlpatterns = router.urls
