from coach.urls_resultaten import urlpatterns as resultaten_urls
from coach.urls_werk import urlpatterns as werk_urls

app_name = "coach"
# Two modules so the workspace (workshops, reports, attachments) and the structured results
# can grow apart; every route here is a coach route and is walked by the permission matrix.
urlpatterns = [*werk_urls, *resultaten_urls]
