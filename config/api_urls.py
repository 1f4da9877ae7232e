from rest_framework.routers import DefaultRouter

from accountability.api import AccountabilityRecordViewSet, DecisionViewSet, MeetingViewSet, SupervisionViewSet
from core.api import GridViewSet, NotificationViewSet, VillageViewSet
from mediation.api import MediationCaseViewSet, MediationRoomViewSet
from patrols.api import PatrolViewSet, RiskViewSet
from petitions.api import CategoryViewSet, PetitionerViewSet, PetitionViewSet, UnitViewSet
from petitions.api_assignments import AssignmentViewSet
from reports.api import ReportViewSet

router = DefaultRouter()
router.include_root_view = False
router.register("petitions", PetitionViewSet, basename="petition")
router.register("assignments", AssignmentViewSet, basename="assignment")
router.register("petitioners", PetitionerViewSet, basename="petitioner")
router.register("categories", CategoryViewSet, basename="category")
router.register("units", UnitViewSet, basename="unit")
router.register("villages", VillageViewSet, basename="village")
router.register("grids", GridViewSet, basename="grid")
router.register("mediation-rooms", MediationRoomViewSet, basename="mediation-room")
router.register("mediation-cases", MediationCaseViewSet, basename="mediation-case")
router.register("patrols", PatrolViewSet, basename="patrol")
router.register("risks", RiskViewSet, basename="risk")
router.register("meetings", MeetingViewSet, basename="meeting")
router.register("decisions", DecisionViewSet, basename="decision")
router.register("supervisions", SupervisionViewSet, basename="supervision")
router.register("accountability-records", AccountabilityRecordViewSet, basename="accountability-record")
router.register("reports", ReportViewSet, basename="report")
router.register("notifications", NotificationViewSet, basename="notification")

urlpatterns = router.urls
