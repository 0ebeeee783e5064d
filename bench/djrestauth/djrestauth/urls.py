from django.urls import include, path

# dj-rest-auth's own URLs, mounted where its documentation mounts them: login/, logout/,
# user/, token/refresh/ (USE_JWT) ... under /dj-rest-auth/.
urlpatterns = [
    path("dj-rest-auth/", include("dj_rest_auth.urls")),
]
