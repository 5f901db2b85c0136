"""Who the demo people are: their names, and how demo rows are recognised.

Demo users are those whose username starts with `demo` *and* whose e-mail is at
`@demo.example.com`; a real user who happens to be called "demo..." is never one of them.
"""

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

User = get_user_model()

PASSWORD = "demo-password"
EMAIL_DOMAIN = "demo.example.com"
USERNAME_PREFIX = "demo"

FIRST_NAMES = (
    "Ada", "Amara", "Andrés", "Anna", "Aiko", "Ben", "Bianca", "Carlos", "Chen", "Chloé",
    "Daniel", "Divya", "Elena", "Emeka", "Emma", "Farah", "Felix", "Grace", "Hana", "Hugo",
    "Ines", "Ivan", "Jack", "Jonas", "Kai", "Kavya", "Lara", "Leo", "Lucía", "Maya", "Mateo",
    "Mei", "Mira", "Nadia", "Noah", "Olga", "Omar", "Priya", "Rafael", "Rosa", "Sam", "Sara",
    "Sofia", "Tariq", "Theo", "Valentina", "Wei", "Yara", "Yusuf", "Zoe",
)  # fmt: skip
LAST_NAMES = (
    "Adeyemi", "Alvarez", "Andersen", "Bauer", "Becker", "Bianchi", "Brown", "Castro", "Chen",
    "Costa", "Dubois", "Eriksson", "Fischer", "García", "Gupta", "Haddad", "Hansen", "Ito",
    "Jensen", "Kim", "Kowalski", "Kumar", "Laurent", "Lee", "Lopez", "Martin", "Moreau",
    "Müller", "Nakamura", "Nguyen", "Novak", "Okafor", "Olsen", "Park", "Patel", "Perez",
    "Rossi", "Santos", "Schmidt", "Silva", "Singh", "Smith", "Suzuki", "Tanaka", "Taylor",
    "Wagner", "Wang", "Williams", "Wójcik", "Yilmaz",
)  # fmt: skip


def demo_users() -> QuerySet:
    return User.objects.filter(
        username__startswith=USERNAME_PREFIX, email__endswith="@" + EMAIL_DOMAIN
    )


def demo_username(index: int) -> str:
    return f"{USERNAME_PREFIX}{index + 1:04d}"


WELL_KNOWN_USERNAME = demo_username(0)

# Short bios for demo profiles (three in four have one; the rest show a page without).
BIOS = (
    "Collecting light, one window at a time.",
    "Architecture nerd. Mostly stairs and shadows.",
    "Street food, markets and the people behind the stalls.",
    "I bookmark whatever makes me stop scrolling.",
    "Hiker, map reader, occasional painter.",
    "Textiles, patterns and old typography.",
    "Birds first, everything else later.",
    "Film photographer. Grain is a feature.",
    "Plants on every shelf, pictures of the ones I can't keep alive.",
    "Weekend cyclist; weekday collector of bridges.",
)
