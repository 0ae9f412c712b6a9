"""Work that leaves the request: mail. Run by `manage.py db_worker` (see docs/deploy.md).

`email_send` is the one way to send a plain mail from a view or service without waiting on the
mail server: `email_send.enqueue(to=[...], subject=..., body=...)`. A mail that the server
refuses makes the task fail (it is logged and kept in the task table with its error).
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.tasks import task


@task()
def email_send(
    *,
    to: list[str],
    subject: str,
    body: str,
    html: str = "",
    headers: dict[str, str] | None = None,
) -> None:
    message = EmailMultiAlternatives(subject=subject, body=body, to=to, headers=headers or {})
    if html:
        message.attach_alternative(html, "text/html")
    message.send()


@task()
def password_reset_mail(*, email: str) -> None:
    """Mail a reset link to each active account with this address (none: nothing is sent)."""
    from django.contrib.auth.forms import PasswordResetForm

    site = urlsplit(settings.SITE_URL)
    form = PasswordResetForm(data={"email": email})
    if not form.is_valid():
        return
    form.save(
        domain_override=site.netloc,
        use_https=site.scheme == "https",
        subject_template_name="registration/password_reset_subject.txt",
        email_template_name="registration/password_reset_email.html",
    )
