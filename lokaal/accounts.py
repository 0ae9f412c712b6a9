"""The login and password-reset pages of django.contrib.auth, with abuse limits.

Login: attempts are counted per client address (across usernames) and per username (across
addresses) before the password is checked, so a refused attempt costs no password hashing;
axes still locks an account-and-address pair after repeated failures, and its lockout page
replaces the answer of the two pages that log in (`with_lockout`: what axes' middleware does
for every request, done only where a login can happen). Password reset: counted
per client address and per mailbox; the answer is the same page whatever the address, and the
mail (if the address has an account) is built and sent by the task worker, with links on
SITE_URL, never on the Host header of the request.
"""

from axes.helpers import get_lockout_response
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect

from lokaal import limits
from lokaal.tasks import password_reset_mail


def with_lockout(request, response):
    """axes' lockout page (429) when its backend refused this login as locked out, else the
    response. Only a page that calls `authenticate` can be locked out: the login pages of the
    site and of admin."""
    if settings.AXES_ENABLED and getattr(request, "axes_locked_out", False):
        return get_lockout_response(request, response, getattr(request, "axes_credentials", None))
    return response


class LoginView(auth_views.LoginView):
    def post(self, request, *args, **kwargs):
        username = request.POST.get("username", "").strip().lower()[:150]
        limited = limits.first_limited(
            request,
            [
                ("login_address", limits.client_address(request)),
                ("login_username", username),
            ],
        )
        if limited:
            return limits.too_many_requests(limited)
        return with_lockout(request, super().post(request, *args, **kwargs))


class PasswordResetView(auth_views.PasswordResetView):
    def form_valid(self, form):
        email = form.cleaned_data["email"]
        limited = limits.first_limited(
            self.request,
            [
                ("reset_address", limits.client_address(self.request)),
                ("reset_mailbox", limits.mailbox(email)),
            ],
        )
        if limited:
            return limits.too_many_requests(limited)
        password_reset_mail.enqueue(email=email)
        return HttpResponseRedirect(self.get_success_url())
