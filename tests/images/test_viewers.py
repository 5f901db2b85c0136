from images import viewers
from tests.factories import make_image


def test_viewers_count_people_whose_heartbeat_is_recent(redis_client):
    assert viewers.heartbeat(7, "u1", now=1000) == 1
    assert viewers.heartbeat(7, "u2", now=1010) == 2
    assert viewers.heartbeat(7, "u1", now=1020) == 2  # the same person counts once
    assert viewers.heartbeat(7, "u3", now=1060) == 2  # u2's last beat is 50 s old: gone
    assert viewers.heartbeat(8, "u1", now=1060) == 1  # per image
    assert 0 < redis_client.ttl(viewers._key(7)) <= viewers.VIEWER_TTL


def test_heartbeat_endpoint_counts_two_people_on_one_image(client, user, other_user, redis_client):
    image = make_image(user)
    client.force_login(user)
    assert client.post("/images/viewers/", {"id": image.id}).json()["viewers"] == 1
    client.force_login(other_user)
    assert client.post("/images/viewers/", {"id": image.id}).json()["viewers"] == 2
    client.logout()
    assert client.post("/images/viewers/", {"id": image.id}).json()["viewers"] == 3
    assert client.post("/images/viewers/", {"id": "x"}).status_code == 400
    assert client.get("/images/viewers/").status_code == 405


def test_image_page_has_the_viewers_box(client, user):
    image = make_image(user)
    html = client.get(image.get_absolute_url()).content.decode()
    assert "data-live-viewers" in html and "/static/js/viewers.js" in html


def test_heartbeat_with_redis_down_says_unknown(client, user, redis_down):
    image = make_image(user)
    assert client.post("/images/viewers/", {"id": image.id}).json()["viewers"] is None
