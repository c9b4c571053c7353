from django.contrib.auth import views as auth_views
from django.urls import path

from gonghui.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/new/", views.staff_create, name="staff_create"),
    path("staff/<int:user_id>/", views.staff_detail, name="staff_detail"),
    path("staff/<int:user_id>/active/", views.staff_set_active, name="staff_set_active"),
    path("roles/<int:role_id>/hardship/", views.role_hardship, name="role_hardship"),
    path("roles/<int:role_id>/revoke/", views.role_revoke, name="role_revoke"),
    path("tokens/", views.token_list, name="tokens"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
]
