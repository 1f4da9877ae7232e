"""The staff pages: intake, case list, case page, actions, reveal, export."""

import io
import uuid

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from petitions.models import Petition, RevealLog, TimelineEntry
from petitions.states import Action, Channel, Kind, Origin, State
from tests.formulas import FORMULA_LIKE, assert_written_as_text
from tests.images import png_bytes
from tests.petitions.conftest import PHONE, VALID_ID


def intake_data(category, village_a, grid_a, **overrides):
    data = {
        "client_token": str(uuid.uuid4()),
        "channel": Channel.WINDOW,
        "origin": Origin.DIRECT,
        "kind": Kind.GRIEVANCE,
        "category": category.pk,
        "village": village_a.pk,
        "grid": grid_a.pk,
        "title": "排水沟被堵影响通行",
        "content": "邻居把排水沟填平，雨天积水。",
        "request": "恢复排水沟",
        "headcount": 1,
        "p-TOTAL_FORMS": 5,
        "p-INITIAL_FORMS": 0,
        "p-MIN_NUM_FORMS": 0,
        "p-MAX_NUM_FORMS": 5,
        "p-0-name": "刘芳",
        "p-0-phone": "138 1234 1234",
        "p-0-id_number": VALID_ID,
    }
    data.update(overrides)
    return data


def test_clerk_registers_and_gets_a_receipt(login, desk_clerk, units, category, village_a, grid_a):
    client = login(desk_clerk)
    assert client.get(reverse("petitions:intake")).status_code == 200
    response = client.post(reverse("petitions:intake"), intake_data(category, village_a, grid_a))
    petition = Petition.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("petitions:receipt", args=[petition.tracking_number])
    receipt = client.get(response["Location"]).content.decode()
    assert petition.tracking_number in receipt and petition.query_code in receipt
    person = petition.petitioners.get()
    assert (person.name, person.phone, person.id_number) == ("刘芳", PHONE, VALID_ID)
    assert petition.registered_by == desk_clerk


def test_double_submit_creates_one_petition(login, desk_clerk, units, category, village_a, grid_a):
    client = login(desk_clerk)
    data = intake_data(category, village_a, grid_a)
    first = client.post(reverse("petitions:intake"), data)
    second = client.post(reverse("petitions:intake"), data)
    assert Petition.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_intake_submit_query_count_is_pinned(login, desk_clerk, units, category, village_a, grid_a):
    """Issue 10: at most 12 statements to register a petition, whatever the table holds."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def statements_of(data) -> list[str]:
        with CaptureQueriesContext(connection) as captured:
            response = client.post(reverse("petitions:intake"), data)
        assert response.status_code == 302
        # The test's own transaction turns the view's into SAVEPOINT … RELEASE (BEGIN … COMMIT
        # when served, which Django counts on no page).
        return [q["sql"] for q in captured.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]

    client = login(desk_clerk)
    client.post(reverse("petitions:intake"), intake_data(category, village_a, grid_a))  # the year's counter row
    for _ in range(2):
        # The session comes from the cache (core/sessions.py): user, category, village, grid, the
        # person by phone hash, the tracking number (one UPDATE … RETURNING), the petition, its
        # audit row, the link, the timeline. A repeated submission is caught by the client
        # token's unique constraint, not looked up first.
        statements = statements_of(intake_data(category, village_a, grid_a))
        assert len(statements) == 10, "\n".join(s[:150] for s in statements)
    # A new person adds their row and its audit row.
    statements = statements_of(
        intake_data(category, village_a, grid_a, **{"p-0-phone": "139 0000 0001", "p-0-id_number": ""})
    )
    assert len(statements) == 12, "\n".join(s[:150] for s in statements)
    assert Petition.objects.count() == 4


def test_a_retried_registration_returns_the_first_petition(registration, units):
    """No look-up before registering: the client token's unique constraint catches the copy,
    also when the copy's upstream reference is the one its first copy took."""
    from petitions.errors import DuplicateUpstreamReference
    from petitions.models import TrackingCounter

    token = uuid.uuid4()
    assigned = {"origin": Origin.ASSIGNED, "upstream_reference": "LA-2026-0042", "client_token": token}
    first = registration(**assigned)
    again = registration(**assigned)
    assert first.created and not again.created and again.petition == first.petition
    plain = registration(client_token=uuid.uuid4())
    assert registration(client_token=plain.petition.client_token).petition == plain.petition
    assert Petition.objects.count() == 2
    assert TrackingCounter.objects.get().last == 2  # the copies' numbers were rolled back
    with pytest.raises(DuplicateUpstreamReference):  # another submission with the same reference
        registration(**{**assigned, "client_token": uuid.uuid4()})


def test_bad_input_changes_nothing_and_keeps_what_was_typed(login, desk_clerk, units, category, village_a, grid_a):
    client = login(desk_clerk)
    data = intake_data(category, village_a, grid_a, **{"p-0-id_number": "110105194912310021"})
    response = client.post(reverse("petitions:intake"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "校验位" in html  # the translated checksum message
    assert "排水沟被堵影响通行" in html and "邻居把排水沟填平" in html
    assert not Petition.objects.exists()


def test_more_than_five_representatives_are_refused(login, desk_clerk, units, category, village_a, grid_a):
    people = {}
    for i in range(5):
        people.update({f"p-{i}-name": f"代表{i}", f"p-{i}-is_representative": "on"})
    data = intake_data(category, village_a, grid_a, **people)
    data["p-0-phone"] = data["p-0-id_number"] = ""
    # only five rows exist; a sixth representative cannot even be typed, so check the service too
    response = login(desk_clerk).post(reverse("petitions:intake"), data)
    assert response.status_code == 302
    assert Petition.objects.get().links.filter(is_representative=True).count() == 5


@pytest.mark.parametrize("persona", ["mediator_a", "handler"])
def test_roles_that_do_not_register_cannot_open_intake(request, login, persona, units):
    response = login(request.getfixturevalue(persona)).get(reverse("petitions:intake"))
    assert response.status_code == 403


def test_lookup_shows_the_persons_earlier_petition(login, desk_clerk, register):
    earlier = register()
    response = login(desk_clerk).get(reverse("petitions:lookup"), {"phone": "13812341234"})
    assert earlier.tracking_number in response.content.decode()
    assert "此人以往的诉求" in response.content.decode()


def test_lookup_shows_similar_open_petitions_of_the_village(login, desk_clerk, register, category, village_a):
    similar = register(petitioners=[], anonymous=True)
    html = (
        login(desk_clerk)
        .get(reverse("petitions:lookup"), {"village": village_a.pk, "category": category.pk})
        .content.decode()
    )
    assert similar.tracking_number in html and "相似的在办诉求" in html


def test_grid_worker_list_shows_only_own_village(login, grid_worker_a, grid_worker_b, register, village_b, units):
    mine = register()
    theirs = register(village=village_b, petitioners=[], anonymous=True)
    html = login(grid_worker_a).get(reverse("petitions:list")).content.decode()
    assert mine.tracking_number in html
    assert theirs.tracking_number not in html


def test_list_filters_by_state_light_and_phone(login, desk_clerk, register, walk, units):
    open_one = register()
    handled = walk(register(petitioners=[], anonymous=True), State.HANDLING)
    client = login(desk_clerk)
    html = client.get(reverse("petitions:list"), {"state": State.HANDLING}).content.decode()
    assert handled.tracking_number in html and open_one.tracking_number not in html
    html = client.get(reverse("petitions:list"), {"q": "138-1234-1234"}).content.decode()
    assert open_one.tracking_number in html and handled.tracking_number not in html
    html = client.get(reverse("petitions:list"), {"light": "red"}).content.decode()
    assert open_one.tracking_number not in html
    html = client.get(reverse("petitions:list"), {"light": "green"}).content.decode()
    assert open_one.tracking_number in html


def test_accusations_do_not_appear_in_the_clerks_list(login, desk_clerk, inspector, accusation, units):
    secret = accusation()
    assert secret.tracking_number not in login(desk_clerk).get(reverse("petitions:list")).content.decode()
    assert secret.tracking_number in login(inspector).get(reverse("petitions:list")).content.decode()


def test_list_query_count_does_not_grow(login, desk_clerk, register, units, django_assert_num_queries, settings):
    client = login(desk_clerk)
    register()
    client.get(reverse("petitions:list"))
    # The same list again, nothing changed: the body comes from the cache (petitions/listcache.py),
    # only the user is read (the session is in the cache too, core/sessions.py).
    with django_assert_num_queries(1):
        client.get(reverse("petitions:list"))
    for _ in range(5):
        register(petitioners=[], anonymous=True)
    # Drawn again after the changes: user, count, page; the filter form's choice lists
    # (village, grid, unit, leader, category) come from the per-process choices cache filled by
    # the first page (petitions/widgets.py).
    with django_assert_num_queries(3):
        client.get(reverse("petitions:list"))
    settings.CASE_LIST_CACHE_SECONDS = 0
    with django_assert_num_queries(3):
        client.get(reverse("petitions:list"))


@pytest.mark.parametrize(
    ("query", "queries"),
    [
        # the people named by a phone number are looked up first: one query more
        (PHONE, 4),
        # words: title, content, tracking number and petitioners' names
        ("侵占地界", 4),
        # a tracking number-like text without people
        ("DHK-2026-000001", 3),
    ],
)
def test_search_query_count_does_not_grow(
    login, desk_clerk, register, units, django_assert_num_queries, query, queries
):
    client = login(desk_clerk)
    register()
    url = reverse("petitions:list") + "?q=" + query
    client.get(url)
    with django_assert_num_queries(1):  # the same search again: from the cache
        assert client.get(url).status_code == 200
    for _ in range(4):
        register()
    with django_assert_num_queries(queries):
        response = client.get(url)
    if query != "DHK-2026-000001":
        assert response.content.decode().count('class="case"') == 5


def test_detail_query_count_does_not_grow(login, desk_clerk, register, walk, units, django_assert_num_queries):
    petition = walk(register(), State.HANDLING)
    client = login(desk_clerk)
    url = reverse("petitions:detail", args=[petition.tracking_number])
    client.get(url)
    # user, scope check, petition with its relations, leader and handler, petitioners, timeline,
    # attachments, and the action forms' unit membership and choice lists (the leader list
    # comes from the per-process choices cache, petitions/widgets.py)
    with django_assert_num_queries(9):
        client.get(url)
    from petitions import services

    for i in range(5):
        petition = services.petition_add_note(petition=petition, actor=desk_clerk, text=f"note {i}")
    with django_assert_num_queries(9):
        client.get(url)


def test_case_page_offers_only_allowed_actions(login, desk_clerk, handler, register, walk, units):
    petition = walk(register(), State.HANDLING)
    url = reverse("petitions:detail", args=[petition.tracking_number])
    clerk_html = login(desk_clerk).get(url).content.decode()
    assert f'data-action="{Action.REPLY}"' not in clerk_html  # assigned to 综治中心, not the desk
    assert f'data-action="{Action.NOTE}"' in clerk_html
    handler_html = login(handler).get(url).content.decode()
    assert f'data-action="{Action.REPLY}"' in handler_html
    assert f'data-action="{Action.EXTEND}"' in handler_html  # head of 综治中心


def test_assign_through_the_page(login, desk_clerk, register, units):
    petition = register()
    response = login(desk_clerk).post(
        reverse("petitions:act", args=[petition.tracking_number, Action.ASSIGN]),
        {"assign-version": petition.version, "assign-unit": units.village_a.pk, "assign-note": ""},
    )
    assert response.status_code == 302
    petition.refresh_from_db()
    assert (petition.state, petition.unit) == (State.HANDLING, units.village_a)


def test_stale_form_is_refused_with_a_message(login, desk_clerk, register, units):
    petition = register()
    stale = petition.version
    from petitions import services

    services.petition_add_note(petition=petition, actor=desk_clerk, text="先到一步")
    response = login(desk_clerk).post(
        reverse("petitions:act", args=[petition.tracking_number, Action.ASSIGN]),
        {"assign-version": stale, "assign-unit": units.village_a.pk},
    )
    assert response.status_code == 400
    assert "已被他人修改" in response.content.decode()
    petition.refresh_from_db()
    assert petition.state == State.REGISTERED


def test_illegal_action_is_refused(login, desk_clerk, register, units):
    petition = register()
    response = login(desk_clerk).post(
        reverse("petitions:act", args=[petition.tracking_number, Action.REPLY]),
        {"reply-version": petition.version, "reply-outcome": "supported", "reply-text": "x"},
    )
    assert response.status_code == 400
    petition.refresh_from_db()
    assert petition.state == State.REGISTERED
    assert TimelineEntry.objects.filter(petition=petition).count() == 1


def test_unknown_action_is_404(login, desk_clerk, register, units):
    petition = register()
    response = login(desk_clerk).post(reverse("petitions:act", args=[petition.tracking_number, "explode"]))
    assert response.status_code == 404


def test_outside_scope_is_404(login, grid_worker_b, register, units):
    petition = register()
    client = login(grid_worker_b)
    assert client.get(reverse("petitions:detail", args=[petition.tracking_number])).status_code == 404
    response = client.post(reverse("petitions:act", args=[petition.tracking_number, Action.NOTE]), {"note-text": "x"})
    assert response.status_code == 404


def test_petitioner_is_masked_and_reveal_is_logged(login, desk_clerk, register, units):
    petition = register()
    person = petition.petitioners.get()
    client = login(desk_clerk)
    html = client.get(reverse("petitions:detail", args=[petition.tracking_number])).content.decode()
    assert "138****1234" in html and PHONE not in html and VALID_ID not in html
    assert "刘*" in html and "刘芳" not in html
    response = client.post(
        reverse("petitions:reveal", args=[petition.tracking_number, person.pk]), {"reason": "回访需要联系"}
    )
    assert PHONE in response.content.decode()
    log = RevealLog.objects.get()
    assert (log.user, log.petitioner, log.reason) == (desk_clerk, person, "回访需要联系")


def test_grid_worker_may_not_reveal(login, grid_worker_a, register, units):
    petition = register()
    person = petition.petitioners.get()
    response = login(grid_worker_a).post(
        reverse("petitions:reveal", args=[petition.tracking_number, person.pk]), {"reason": "想看"}, follow=True
    )
    assert PHONE not in response.content.decode()
    assert not RevealLog.objects.exists()


def test_export_is_the_filtered_list(login, desk_clerk, register, walk, units):
    register()
    handled = walk(register(petitioners=[], anonymous=True), State.HANDLING)
    response = login(desk_clerk).get(reverse("petitions:list"), {"state": State.HANDLING, "format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "诉求编号"
    assert [row[0] for row in rows[1:]] == [handled.tracking_number]


PNG = png_bytes()


def test_staff_attach_a_photo_and_download_it_safely(login, desk_clerk, register, units):
    from django.core.files.uploadedfile import SimpleUploadedFile

    petition = register()
    client = login(desk_clerk)
    response = client.post(
        reverse("petitions:act", args=[petition.tracking_number, Action.ATTACH]),
        {
            "attach-version": petition.version,
            "attach-files": [SimpleUploadedFile("现场.png", PNG, content_type="image/png")],
        },
    )
    assert response.status_code == 302
    attachment = petition.attachments.get()
    assert (attachment.name, attachment.content_type, attachment.public) == ("现场.png", "image/png", False)
    entry = TimelineEntry.objects.filter(petition=petition).last()
    assert entry.action == Action.ATTACH and "现场.png" in entry.note
    download = client.get(reverse("petitions:attachment", args=[petition.tracking_number, attachment.pk]))
    assert download["Content-Disposition"].startswith("attachment;")
    assert "sandbox" in download["Content-Security-Policy"]
    body = b"".join(download.streaming_content)
    assert body.startswith(b"\x89PNG")  # re-encoded, still a PNG


def test_attachment_outside_scope_is_404(login, desk_clerk, grid_worker_b, register, units):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from petitions import services

    petition = register()
    services.petition_attach(
        petition=petition, actor=desk_clerk, files=[SimpleUploadedFile("a.png", PNG, content_type="image/png")]
    )
    attachment = petition.attachments.get()
    url = reverse("petitions:attachment", args=[petition.tracking_number, attachment.pk])
    assert login(grid_worker_b).get(url).status_code == 404


def test_intake_with_a_scanned_letter(login, desk_clerk, units, category, village_a, grid_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = intake_data(category, village_a, grid_a)
    data["files"] = [SimpleUploadedFile("来信.pdf", b"%PDF-1.4 letter", content_type="application/pdf")]
    login(desk_clerk).post(reverse("petitions:intake"), data)
    assert Petition.objects.get().attachments.get().content_type == "application/pdf"


def test_intake_with_a_disguised_file_creates_nothing(login, desk_clerk, units, category, village_a, grid_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = intake_data(category, village_a, grid_a)
    data["files"] = [SimpleUploadedFile("letter.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")]
    response = login(desk_clerk).post(reverse("petitions:intake"), data)
    assert response.status_code == 200
    assert "只能上传照片" in response.content.decode()
    assert not Petition.objects.exists()


def test_sort_choices_are_translated(login, desk_clerk, units):
    html = login(desk_clerk).get(reverse("petitions:list")).content.decode()
    assert '<option value="due">下一期限</option>' in html
    assert '<option value="-registered">登记时间（最新在前）</option>' in html


def test_village_escalates_and_the_desk_sees_it_in_its_queue(login, village_agent_a, desk_clerk, register, walk, units):
    petition = walk(register(), State.HANDLING, via="village")
    response = login(village_agent_a).post(
        reverse("petitions:act", args=[petition.tracking_number, Action.ESCALATE]),
        {"escalate-version": petition.version, "escalate-reason": "涉及跨村土地，村里协调不了"},
    )
    assert response.status_code == 302
    petition.refresh_from_db()
    assert (petition.state, petition.origin, petition.unit) == (State.REGISTERED, Origin.ESCALATED, None)
    client = login(desk_clerk)
    queue = client.get(reverse("petitions:list"), {"state": State.REGISTERED, "origin": Origin.ESCALATED})
    assert petition.tracking_number in queue.content.decode()
    page = client.get(reverse("petitions:detail", args=[petition.tracking_number])).content.decode()
    assert "涉及跨村土地，村里协调不了" in page
    assert [e.action for e in petition.timeline.all()][-1] == Action.ESCALATE


def test_photo_location_is_stripped_unless_kept(desk_clerk, register, units):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from petitions.attachments import attachment_add
    from tests.images import jpeg_with_location

    petition = register()
    original = jpeg_with_location()
    assert Image.open(io.BytesIO(original)).getexif().get(0x8825)  # the camera's GPS block
    stripped = attachment_add(
        petition=petition, upload=SimpleUploadedFile("a.jpg", original), uploaded_by=desk_clerk, public=False
    )
    kept = attachment_add(
        petition=petition,
        upload=SimpleUploadedFile("b.jpg", original),
        uploaded_by=desk_clerk,
        public=False,
        keep_metadata=True,
    )
    with stripped.file.open("rb") as handle:
        assert not Image.open(handle).getexif()
    with kept.file.open("rb") as handle:
        assert Image.open(handle).getexif().get(0x8825)
    assert stripped.size == stripped.file.size


def test_a_broken_photo_is_refused(desk_clerk, register, units):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from petitions.attachments import attachment_add
    from petitions.errors import InvalidInput

    with pytest.raises(InvalidInput):
        attachment_add(
            petition=register(),
            upload=SimpleUploadedFile("x.jpg", b"\xff\xd8\xff\xe0 broken"),
            uploaded_by=desk_clerk,
            public=False,
        )


def test_case_page_is_light_enough_for_a_village_phone(login, grid_worker_a, register, walk, units):
    """Under 100 KB with its stylesheet and scripts (photos excluded), uncompressed."""
    from django.contrib.staticfiles import finders

    petition = walk(register(), State.HANDLING, via="village")
    html = login(grid_worker_a).get(reverse("petitions:detail", args=[petition.tracking_number])).content
    from pathlib import Path

    names = ("css/desk.css", "js/photos.js", "js/offline.js")
    assets = sum(Path(finders.find(name)).stat().st_size for name in names)
    assert len(html) + assets < 100 * 1024, len(html) + assets


def test_a_replayed_note_is_applied_once(login, grid_worker_a, register, units):
    petition = register()
    token = str(uuid.uuid4())
    data = {"note-version": petition.version, "note-client_token": token, "note-text": "已上门走访"}
    client = login(grid_worker_a)
    url = reverse("petitions:act", args=[petition.tracking_number, Action.NOTE])
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert petition.timeline.filter(action=Action.NOTE).count() == 1


@pytest.mark.parametrize("title", FORMULA_LIKE)
def test_a_mailbox_title_that_looks_like_a_formula_is_exported_as_text(
    title, resident, login, desk_clerk, units, category
):
    data = {
        "client_token": str(uuid.uuid4()),
        "title": title,
        "content": "村口路灯坏了一个月。",
        "request": "修好",
        "category": category.pk,
        "kind": "grievance",
        "anonymous": "on",
        "website": "",
    }
    assert resident.post(reverse("petitions:mailbox"), data).status_code == 302
    Petition.objects.update(title=title)  # as typed, even where the form trims the white space
    response = login(desk_clerk).get(reverse("petitions:list"), {"format": "xlsx"})
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert_written_as_text(book, title)
