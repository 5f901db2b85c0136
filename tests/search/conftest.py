"""A small corpus every search test reads: three people, their images (one private), boards
(one secret) and a like. Rows are made directly: search needs their text, not their files."""

from types import SimpleNamespace

import pytest

from boards.models import Board, BoardEntry, Visibility
from images.models import Image
from tests.factories import make_user


def add_image(user, title, *, tags=(), description="", alt_text="", page_url="", url="", **extra):
    add_image.n = getattr(add_image, "n", 0) + 1
    image = Image.objects.create(
        user=user,
        title=title,
        description=description,
        alt_text=alt_text,
        page_url=page_url,
        url=url or f"https://cdn.pictures.test/{add_image.n}.jpg",
        **extra,
    )
    if tags:
        image.tags.set(list(tags))
    return image


@pytest.fixture
def corpus(db):
    alice = make_user("alice", first_name="Alice")
    bob = make_user("bob", first_name="Bob")
    carol = make_user("carol", first_name="Carol")
    c = SimpleNamespace(alice=alice, bob=bob, carol=carol)
    c.sunset = add_image(
        alice,
        "Sunset over the beach",
        description="Golden hour at the sea",
        tags=["sea", "summer"],
        page_url="https://www.example.com/trip",
    )
    c.lake = add_image(
        alice, "Mountain lake", alt_text="A calm lake under peaks", tags=["lake"],
        url="https://photos.test/lake.jpg",
    )  # fmt: skip
    c.cafe = add_image(
        bob, "Beachside cafe", tags=["coffee"], page_url="https://blog.example.org/cafe"
    )
    c.dog = add_image(
        bob, "Golden retriever", description="My dog in the sunset", tags=["dog", "sea"]
    )
    c.town = add_image(carol, "Sea-side town", page_url="https://sub.example.com/x")
    c.secret = add_image(alice, "Secret sunset", private=True)
    c.trips_bob = Board.objects.create(owner=bob, name="Trips", slug="trips")
    c.trips_alice = Board.objects.create(
        owner=alice, name="trips", slug="trips", description="Lakes"
    )
    c.hidden = Board.objects.create(
        owner=carol, name="Hidden gems", slug="hidden", visibility=Visibility.SECRET
    )
    for position, (board, image) in enumerate(
        [(c.trips_bob, c.sunset), (c.trips_bob, c.cafe), (c.trips_alice, c.lake), (c.hidden, c.dog)]
    ):
        BoardEntry.objects.create(board=board, image=image, position=position)
    c.dog.users_like.add(alice)
    Image.objects.filter(pk=c.dog.pk).update(total_likes=1)
    return c
