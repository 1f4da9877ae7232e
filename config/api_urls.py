from rest_framework.routers import DefaultRouter

from mediation.api import MediationCaseViewSet, MediationRoomViewSet
from patrols.api import PatrolViewSet, RiskViewSet
from petitions.api import CategoryViewSet, PetitionViewSet, UnitViewSet

router = DefaultRouter()
router.register("petitions", PetitionViewSet, basename="petition")
router.register("categories", CategoryViewSet, basename="category")
router.register("units", UnitViewSet, basename="unit")
router.register("mediation-rooms", MediationRoomViewSet, basename="mediation-room")
router.register("mediation-cases", MediationCaseViewSet, basename="mediation-case")
router.register("patrols", PatrolViewSet, basename="patrol")
router.register("risks", RiskViewSet, basename="risk")

urlpatterns = router.urls
