"""The JSON API at /api/v1/: every app's router, one error shape, bearer or session auth."""

from ninja import NinjaAPI

from gonghui.accounts.api import router as auth_router
from gonghui.care.api import router as care_router
from gonghui.core.api import ConsoleSessionAuth, TokenAuth, install_error_handlers
from gonghui.members.api import router as workers_router
from gonghui.members.api_join import router as applications_router
from gonghui.orgs.api import router as orgs_router
from gonghui.quizzes.api import router as quiz_router
from gonghui.quizzes.api_staff import router as quiz_staff_router
from gonghui.stations.api import router as stations_router

api = NinjaAPI(
    title="Gonghui API",
    version="1",
    description="工会 Gonghui: union organisations, staff, and the work they run. "
    "The station finder (`GET /api/v1/stations/nearby`) needs no login. "
    "Authenticate with `POST /api/v1/auth/token`, then send `Authorization: Bearer <token>`. "
    'Every error is `{"code", "message", "fields"}`.',
    auth=[TokenAuth(), ConsoleSessionAuth()],
    urls_namespace="api",
)
install_error_handlers(api)
api.add_router("/auth/", auth_router)
api.add_router("/orgs/", orgs_router)
api.add_router("/stations/", stations_router)
api.add_router("/workers/", workers_router)
api.add_router("/membership-applications/", applications_router)
api.add_router("/care/", care_router)
api.add_router("/quiz/", quiz_router)
api.add_router("/quizzes/", quiz_staff_router)
