import factory
from django.contrib.auth.hashers import make_password

from core.models import Grid, Role, Town, User, Village

PASSWORD = "Persona-pass-2026"
_PASSWORD_HASH = make_password(PASSWORD)


class TownFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Town
        django_get_or_create = ("code",)

    code = "341502105"
    name = "东河口镇"
    county = "安徽省六安市金安区"
    tracking_prefix = "DHK"
    hotline = "0551-62620110"
    report_phone = "0551-64376913"
    report_email = "3598612204@qq.com"


class VillageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Village
        django_get_or_create = ("code",)

    town = factory.SubFactory(TownFactory)
    code = factory.Sequence(lambda n: f"341502105{300 + n:03d}")
    name = factory.Sequence(lambda n: f"测试{n}村委会")


class GridFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Grid

    village = factory.SubFactory(VillageFactory)
    number = factory.Sequence(lambda n: n + 1)
    name = factory.LazyAttribute(lambda g: f"第{g.number}网格")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = _PASSWORD_HASH
    full_name = factory.Sequence(lambda n: f"工作人员{n}")
    role = Role.DESK_CLERK
    town = factory.SubFactory(TownFactory)
