from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from bookmarks.paging import WindowPage, window_page
from bookmarks.social import Happening
from images.models import Image

from .models import Notification

User = get_user_model()
PER_PAGE = 20

# What a notification says, by kind: (the actor alone, the actor with others). %(actor)s is
# the latest person, %(target)s the image's title; the second is singular or plural on
# %(others)s, the number of other people.
_SENTENCES = {
    Happening.LIKED: (
        gettext_lazy("%(actor)s liked %(target)s"),
        ngettext_lazy(
            "%(actor)s and %(others)s other liked %(target)s",
            "%(actor)s and %(others)s others liked %(target)s",
            "others",
        ),
    ),
    Happening.COMMENTED: (
        gettext_lazy("%(actor)s commented on %(target)s"),
        ngettext_lazy(
            "%(actor)s and %(others)s other commented on %(target)s",
            "%(actor)s and %(others)s others commented on %(target)s",
            "others",
        ),
    ),
    Happening.MENTIONED: (
        gettext_lazy("%(actor)s mentioned you on %(target)s"),
        ngettext_lazy(
            "%(actor)s and %(others)s other mentioned you on %(target)s",
            "%(actor)s and %(others)s others mentioned you on %(target)s",
            "others",
        ),
    ),
    Happening.FOLLOWED: (
        gettext_lazy("%(actor)s started following you"),
        ngettext_lazy(
            "%(actor)s and %(others)s other started following you",
            "%(actor)s and %(others)s others started following you",
            "others",
        ),
    ),
    Happening.SAVED: (
        gettext_lazy("%(actor)s saved %(target)s"),
        ngettext_lazy(
            "%(actor)s and %(others)s other saved %(target)s",
            "%(actor)s and %(others)s others saved %(target)s",
            "others",
        ),
    ),
}


@dataclass
class Line:
    """A notification as the page shows it (the template asks no question of the target)."""

    id: int
    kind: str
    actor: Any  # the account (its display_name is shown)
    others: int
    phrase: str  # "liked", "started following you"... (in English, for the API)
    target_title: str  # "" when the target is the reader (a follow)
    url: str
    thumbnail_url: str  # "" for a follow: the actor's avatar is shown
    unread: bool
    when: datetime

    def _sentence(self, actor: str, target: str) -> str:
        alone, with_others = _SENTENCES[Happening(self.kind)]
        pattern = with_others if self.others else alone
        return pattern % {"actor": actor, "others": self.others, "target": target}

    @property
    def html(self) -> SafeString:
        """The sentence for the page, the actor in <strong> and the title in <em>:
        "<strong>Ana</strong> and 12 others liked <em>Sunset</em>". The translation is
        trusted, as blocktranslate trusts it; the names in it are escaped."""
        actor = format_html("<strong>{}</strong>", self.actor.display_name)
        target = format_html("<em>{}</em>", self.target_title)
        return mark_safe(self._sentence(actor, target))

    @property
    def text(self) -> str:
        """The sentence for the e-mail digest: 'Ana and 12 others liked "Sunset"'."""
        # Translators: an image's title, quoted in the e-mail digest.
        target = _('"%(title)s"') % {"title": self.target_title}
        return self._sentence(self.actor.display_name, target)


def _line(n: Notification) -> Line:
    target = n.target
    if isinstance(target, Image):
        title, url, thumb = target.title, target.get_absolute_url(), target.list_thumbnail.url
    else:  # a follow: the target is the reader; the line links to the follower
        title, url, thumb = "", n.actor.get_absolute_url(), ""
    return Line(
        id=n.pk,
        kind=n.kind,
        actor=n.actor,
        others=n.actor_count - 1,
        phrase=str(Happening(n.kind).label),
        target_title=title,
        url=url,
        thumbnail_url=thumb,
        unread=n.read_at is None,
        when=n.updated,
    )


def with_targets(notifications, reader):
    """`notifications` with their targets, as `reader` may see them: an image made private (or
    being saved again) since is no target (None), so its line is left out, and its new title
    and private address are never shown to them. One query per kind of target."""
    return notifications.prefetch_related(
        GenericPrefetch("target", [Image.objects.visible_to(reader), User.objects.all()])
    )


def notifications_page(user, number) -> WindowPage | None:
    """Page `number` of `user`'s notifications, newest first, as Lines; None past the end.
    Three queries (rows with actors, then images and users as targets), whatever the size;
    groups whose target is gone are left out."""
    rows = with_targets(
        Notification.objects.filter(recipient=user).select_related("actor__profile"), user
    ).order_by("-updated", "-id")
    page = window_page(rows, number, per_page=PER_PAGE)
    if page is not None:
        page.object_list = [_line(n) for n in page.object_list if n.target is not None]
    return page
