"""Seed the problem categories and the legal time limits (editable afterwards)."""

from django.db import migrations

from petitions.seed_data import CATEGORIES

TIME_LIMITS = [
    ("route", 15, False),
    ("notify", 15, False),
    ("object", 5, True),
    ("handle", 60, False),
    ("extension", 30, False),
    ("review_request", 30, False),
    ("review_answer", 30, False),
    ("re_review_request", 30, False),
    ("re_review_answer", 30, False),
    ("redo", 15, False),
    ("amber", 3, False),
]


def forwards(apps, schema_editor):
    Category = apps.get_model("petitions", "Category")
    TimeLimit = apps.get_model("petitions", "TimeLimit")
    for top_sort, (code, name, children) in enumerate(CATEGORIES, start=1):
        parent, _ = Category.objects.get_or_create(code=code, defaults={"name": name, "sort": top_sort * 10})
        for sort, (child_code, child_name) in enumerate(children, start=1):
            Category.objects.get_or_create(
                code=child_code, defaults={"name": child_name, "parent": parent, "sort": sort}
            )
    for key, days, working in TIME_LIMITS:
        TimeLimit.objects.get_or_create(key=key, defaults={"days": days, "working_days": working})


def backwards(apps, schema_editor):
    apps.get_model("petitions", "TimeLimit").objects.all().delete()
    Category = apps.get_model("petitions", "Category")
    Category.objects.filter(parent__isnull=False).delete()
    Category.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("petitions", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
