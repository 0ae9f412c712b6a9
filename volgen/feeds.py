"""Atom and RSS feeds of everything the public may read, for the programme, a bestuur or a
trajectory. Each feed is one object lookup plus the queries of `public_items`; the programme's
feeds are kept whole under the generation of their round (lokaal/fragmenten.py), so while
nothing changes they read one value from the cache."""

import hashlib

from django.contrib.syndication.views import Feed
from django.db.models import Q
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

from besturen.models import Bestuur
from lokaal import fragmenten
from trajecten.models import Ronde, Traject
from workshops.nieuws import Nieuwsitem, public_items, tag_uri

FEED_LENGTH = 50


class _ItemsFeed(Feed):
    """What every feed shares: the items and how each field of an entry is filled."""

    feed_type = Rss201rev2Feed
    language = "nl-be"
    author_name = "Lokaal Circulair"
    url_name = ""

    def feed_filter(self, obj) -> Q:
        return Q()

    def items(self, obj):
        return public_items(traject_filter=self.feed_filter(obj), limit=FEED_LENGTH)

    def feed_url(self, obj):
        args = [obj.slug] if obj is not None else []
        return reverse(f"volgen:{self.url_name}_{self.suffix}", args=args)

    def feed_guid(self, obj):
        return tag_uri(self.guid_path(obj))

    def item_title(self, item: Nieuwsitem) -> str:
        return item.titel

    def item_description(self, item: Nieuwsitem) -> str:
        return item.html

    def item_link(self, item: Nieuwsitem) -> str:
        return item.link

    def item_guid(self, item: Nieuwsitem) -> str:
        return item.guid

    item_guid_is_permalink = False

    def item_pubdate(self, item: Nieuwsitem):
        return item.gepubliceerd_op

    def item_updateddate(self, item: Nieuwsitem):
        return item.bijgewerkt_op

    def item_categories(self, item: Nieuwsitem):
        return [item.traject.titel]


class _Rss:
    feed_type = Rss201rev2Feed
    suffix = "rss"


class _Atom:
    feed_type = Atom1Feed
    suffix = "atom"

    def subtitle(self, obj):
        return self.description(obj)


class _ProgrammeFeed(_ItemsFeed):
    """The whole programme, or one round with `?ronde=<slug>`."""

    url_name = "programma"

    def __call__(self, request, *args, **kwargs):
        """The feed as written, kept whole under the generation of its round (of all content)
        and the site's address (lokaal/fragmenten.py): while nothing changes, one cache read."""
        slug = request.GET.get("ronde")
        ronde = Ronde.objects.filter(slug=slug).only("pk").first() if slug is not None else None
        if slug is not None and ronde is None:
            return HttpResponseBadRequest(
                f"De ronde ‘{slug[:60]}’ bestaat niet. Laat ?ronde= weg voor alle rondes.",
                content_type="text/plain; charset=utf-8",
            )
        site = hashlib.blake2b(request.build_absolute_uri("/").encode(), digest_size=8).hexdigest()
        scope = fragmenten.ronde_scope(ronde.pk) if ronde is not None else fragmenten.INHOUD
        name = f"feed:{self.suffix}:{ronde.pk if ronde is not None else 'programma'}:{site}"

        def build():
            response = super(_ProgrammeFeed, self).__call__(request, *args, **kwargs)
            headers = {k: v for k, v in response.items() if k in ("Content-Type", "Last-Modified")}
            return (response.content, headers), None

        content, headers = fragmenten.kept(name, [scope], build)
        return HttpResponse(content, headers=headers)

    def get_object(self, request):
        """The round asked for, or None for the whole programme."""
        slug = request.GET.get("ronde")
        return Ronde.objects.filter(slug=slug).first() if slug else None

    def feed_filter(self, obj) -> Q:
        return Q(traject__ronde=obj) if obj is not None else Q()

    def feed_url(self, obj):
        url = reverse(f"volgen:{self.url_name}_{self.suffix}")
        return f"{url}?ronde={obj.slug}" if obj is not None else url

    def guid_path(self, obj):
        return "feed/programma" if obj is None else f"feed/ronde/{obj.pk}"

    def title(self, obj):
        if obj is not None:
            return f"Lokaal Circulair: nieuws uit {obj.naam}"
        return "Lokaal Circulair: nieuws uit alle trajecten"

    def link(self, obj):
        return obj.get_absolute_url() if obj is not None else reverse("portaal:home")

    def description(self, obj):
        return (
            "Gepubliceerde verslagen, updates en nieuw geplande workshops van alle "
            "begeleidingstrajecten van Lokaal Circulair."
        )


class _BestuurFeed(_ItemsFeed):
    url_name = "bestuur"

    def get_object(self, request, slug):
        return get_object_or_404(Bestuur.objects.only("id", "slug", "naam"), slug=slug)

    def feed_filter(self, obj) -> Q:
        return Q(traject__deelnames__bestuur=obj)

    def guid_path(self, obj):
        return f"feed/bestuur/{obj.pk}"

    def title(self, obj):
        return f"Lokaal Circulair: {obj.naam}"

    def link(self, obj):
        return obj.get_absolute_url()

    def description(self, obj):
        return (
            f"Gepubliceerde verslagen, updates en nieuw geplande workshops uit de trajecten "
            f"van {obj.naam}."
        )


class _TrajectFeed(_ItemsFeed):
    url_name = "traject"

    def get_object(self, request, slug):
        return get_object_or_404(Traject.objects.only("id", "slug", "titel"), slug=slug)

    def feed_filter(self, obj) -> Q:
        return Q(traject=obj)

    def guid_path(self, obj):
        return f"feed/traject/{obj.pk}"

    def title(self, obj):
        return f"Lokaal Circulair: {obj.titel}"

    def link(self, obj):
        return obj.get_absolute_url()

    def description(self, obj):
        return f"Gepubliceerde verslagen, updates en nieuw geplande workshops van {obj.titel}."


class ProgrammeRss(_Rss, _ProgrammeFeed):
    pass


class ProgrammeAtom(_Atom, _ProgrammeFeed):
    pass


class BestuurRss(_Rss, _BestuurFeed):
    pass


class BestuurAtom(_Atom, _BestuurFeed):
    pass


class TrajectRss(_Rss, _TrajectFeed):
    pass


class TrajectAtom(_Atom, _TrajectFeed):
    pass
