"""`seed_demo --reset`: delete every demo row, file and Redis entry, and nothing real."""

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction

from account.models import Contact, Profile
from actions.models import Action
from images import ranking
from images.models import Image
from images.services import recount_likes

from .boards import delete_demo_boards_and_tags
from .people import demo_users
from .pictures import delete_demo_files

User = get_user_model()


def _delete_without_signals(queryset) -> int:
    """One DELETE for the rows, without Django's per-row collector or post_delete signals: the
    rows that depend on them are deleted first, and demo files go as a whole afterwards."""
    model = queryset.model
    inner, params = queryset.order_by().values("pk").query.sql_with_params()
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {quote(model._meta.db_table)} WHERE {quote(model._meta.pk.column)} "
            f"IN ({inner})",
            params,
        )
        return cursor.rowcount


def delete_demo_data() -> int:
    """Delete every demo user with their images, likes, follows, actions, files and Redis
    entries (views, rankings, recent lists); real users' rows that pointed at them (their likes
    of demo images, follows of demo users, actions about them) go too, and real images liked by
    demo users are recounted. Returns the users deleted."""
    users = demo_users()
    user_ids = users.values("id")
    user_id_list = list(users.values_list("id", flat=True))
    demo_images = Image.objects.filter(user__in=user_ids)
    image_ids = list(demo_images.values_list("id", flat=True))
    Like = Image.users_like.through
    with transaction.atomic():
        image_ct = ContentType.objects.get_for_model(Image)
        user_ct = ContentType.objects.get_for_model(User)
        Action.objects.filter(user__in=user_ids).delete()
        Action.objects.filter(target_ct=image_ct, target_id__in=demo_images.values("id")).delete()
        Action.objects.filter(target_ct=user_ct, target_id__in=user_ids).delete()
        liked_elsewhere = list(
            Like.objects.filter(user__in=user_ids)
            .exclude(image__user__in=user_ids)
            .values_list("image_id", flat=True)
            .distinct()
        )
        Like.objects.filter(user__in=user_ids).delete()
        Like.objects.filter(image__user__in=user_ids).delete()
        recount_likes(liked_elsewhere)
        Contact.objects.filter(user_from__in=user_ids).delete()
        Contact.objects.filter(user_to__in=user_ids).delete()
        delete_demo_boards_and_tags(user_ids=user_ids, image_ids=demo_images.values("id"))
        _delete_without_signals(demo_images)
        Profile.objects.filter(user__in=user_ids).delete()
        deleted = users.count()
        users.delete()  # the ORM way: it finds any other app's rows that point at users
    delete_demo_files()
    ranking.forget_images(image_ids, seen_markers=True)
    ranking.forget_users(user_id_list)
    return deleted
