from rest_framework.routers import SimpleRouter

from .views import SupportRequestViewSet

router = SimpleRouter()
router.register("requests", SupportRequestViewSet, basename="support-request")

urlpatterns = router.urls
