"""The resident's pages: the online mailbox and the status page, without an account."""

import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from petitions import services
from petitions.models import Attachment, Petition
from petitions.states import Satisfaction, State
from tests.images import jpeg_bytes, png_bomb, png_bytes

PNG = png_bytes()
PDF = b"%PDF-1.4\n%demo\n"


def mailbox_data(category, **overrides):
    data = {
        "client_token": str(uuid.uuid4()),
        "title": "路灯坏了",
        "content": "村口路灯坏了一个月，晚上看不见路。",
        "request": "请尽快修好",
        "category": category.pk,
        "kind": "grievance",
        "name": "陈静",
        "phone": "13900001111",
        "website": "",
    }
    data.update(overrides)
    return data


def test_resident_submits_and_gets_number_and_code(resident, units, category):
    response = resident.post(reverse("petitions:mailbox"), mailbox_data(category), follow=True)
    petition = Petition.objects.get()
    html = response.content.decode()
    assert petition.tracking_number in html and petition.query_code in html
    assert petition.channel == "mailbox" and petition.registered_by is None
    assert petition.petitioners.get().phone == "13900001111"


def test_retried_submission_creates_one_petition(resident, units, category):
    data = mailbox_data(category)
    resident.post(reverse("petitions:mailbox"), data)
    resident.post(reverse("petitions:mailbox"), data)
    assert Petition.objects.count() == 1


def test_anonymous_submission(resident, units, category):
    resident.post(reverse("petitions:mailbox"), mailbox_data(category, name="", phone="", anonymous="on"))
    petition = Petition.objects.get()
    assert petition.anonymous and not petition.petitioners.exists()


def test_name_or_anonymous_is_required(resident, units, category):
    response = resident.post(reverse("petitions:mailbox"), mailbox_data(category, name=""))
    assert response.status_code == 200
    assert "请填写姓名，或选择匿名提交" in response.content.decode()
    assert not Petition.objects.exists()


def test_honeypot_stops_bots(resident, units, category):
    response = resident.post(reverse("petitions:mailbox"), mailbox_data(category, website="http://spam"))
    assert response.status_code == 200
    assert not Petition.objects.exists()


def test_rate_limit_per_address(resident, units, category, settings):
    settings.MAILBOX_LIMIT_PER_HOUR = 2
    for _ in range(2):
        assert resident.post(reverse("petitions:mailbox"), mailbox_data(category)).status_code == 302
    blocked = resident.post(reverse("petitions:mailbox"), mailbox_data(category))
    assert blocked.status_code == 429
    assert Petition.objects.count() == 2
    # a spoofed X-Forwarded-For does not give a fresh allowance
    spoofed = resident.post(reverse("petitions:mailbox"), mailbox_data(category), HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert spoofed.status_code == 429


def test_trusted_proxy_forwarded_address_is_used(resident, units, category, settings):
    settings.MAILBOX_LIMIT_PER_HOUR = 1
    settings.TRUSTED_PROXIES = frozenset({"127.0.0.1"})
    first = resident.post(reverse("petitions:mailbox"), mailbox_data(category), HTTP_X_FORWARDED_FOR="1.1.1.1")
    second = resident.post(reverse("petitions:mailbox"), mailbox_data(category), HTTP_X_FORWARDED_FOR="2.2.2.2")
    assert (first.status_code, second.status_code) == (302, 302)


def test_photo_and_pdf_are_attached_by_content(resident, units, category, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    files = [
        SimpleUploadedFile("lamp.png", PNG, content_type="image/png"),
        SimpleUploadedFile("letter.pdf", PDF, content_type="application/pdf"),
    ]
    resident.post(reverse("petitions:mailbox"), {**mailbox_data(category), "files": files})
    kinds = sorted(Attachment.objects.values_list("content_type", flat=True))
    assert kinds == ["application/pdf", "image/png"]
    assert all(a.public for a in Attachment.objects.all())


def test_script_disguised_as_photo_is_refused(resident, units, category, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    fake = SimpleUploadedFile("photo.jpg", b"<script>alert(1)</script>", content_type="image/jpeg")
    response = resident.post(reverse("petitions:mailbox"), {**mailbox_data(category), "files": [fake]})
    assert response.status_code == 200
    assert "只能上传照片" in response.content.decode()
    assert not Petition.objects.exists() and not Attachment.objects.exists()


def test_decompression_bomb_is_refused_before_decoding(resident, units, category, settings, tmp_path, monkeypatch):
    """A 22 KB PNG of 13,300 × 13,300 pixels (five of them killed a worker): refused by the size
    its header claims, with a clear message, and no pixel is decoded."""
    from PIL import ImageFile

    settings.MEDIA_ROOT = tmp_path

    def no_decoding(self):
        raise AssertionError("the bomb was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    bombs = [SimpleUploadedFile(f"map{i}.png", png_bomb(), content_type="image/png") for i in range(5)]
    response = resident.post(reverse("petitions:mailbox"), {**mailbox_data(category), "files": bombs})
    assert response.status_code == 200
    assert "照片像素过多" in response.content.decode()
    assert not Petition.objects.exists() and not Attachment.objects.exists()


def test_a_large_camera_jpeg_is_decoded_scaled_down(units, category, settings, tmp_path):
    from PIL import Image

    from petitions.attachments import MAX_SIDE, clean_image

    photo = SimpleUploadedFile("field.jpg", jpeg_bytes((6000, 4000)), content_type="image/jpeg")
    cleaned = Image.open(clean_image(photo, "image/jpeg", keep_metadata=False))
    assert max(cleaned.size) == MAX_SIDE and cleaned.size[0] > cleaned.size[1]


def status_page(client, petition, code=None):
    return client.post(
        reverse("petitions:status"), {"number": petition.tracking_number, "code": code or petition.query_code}
    )


def test_status_needs_the_right_code(resident, register, units):
    petition = register()
    wrong = status_page(resident, petition, code="WRONG999").content.decode()
    assert "没有与此编号和查询码相符的诉求" in wrong and petition.title not in wrong
    right = status_page(resident, petition).content.decode()
    assert petition.title in right


def test_status_hides_internal_notes_names_and_personal_data(resident, register, walk, desk_clerk, handler, units):
    petition = walk(register(), State.HANDLING)
    services.petition_add_note(petition=petition, actor=desk_clerk, text="内部：当事人情绪激动", public=False)
    services.petition_add_note(petition=petition, actor=desk_clerk, text="已安排实地查看", public=True)
    html = status_page(resident, petition).content.decode()
    assert "已安排实地查看" in html
    assert "内部：当事人情绪激动" not in html
    assert desk_clerk.full_name not in html and handler.full_name not in html
    assert "13812341234" not in html and "刘芳" not in html


def test_resident_rates_once_and_the_case_closes(resident, register, walk, units):
    petition = walk(register(), State.REPLIED)
    html = status_page(resident, petition).content.decode()
    assert 'id="rate"' in html
    response = resident.post(
        reverse("petitions:rate"),
        {"number": petition.tracking_number, "code": petition.query_code, "satisfaction": Satisfaction.SATISFIED},
    )
    assert "感谢您的评价" in response.content.decode()
    petition.refresh_from_db()
    assert (petition.state, petition.satisfaction) == (State.CLOSED, Satisfaction.SATISFIED)
    again = status_page(resident, petition).content.decode()
    assert 'id="rate"' not in again


def test_rating_with_a_wrong_code_changes_nothing(resident, register, walk, units):
    petition = walk(register(), State.REPLIED)
    resident.post(
        reverse("petitions:rate"),
        {"number": petition.tracking_number, "code": "AAAAAAAA", "satisfaction": Satisfaction.SATISFIED},
    )
    petition.refresh_from_db()
    assert petition.state == State.REPLIED and petition.rated_at is None


def test_status_lookups_are_rate_limited(resident, register, units, settings):
    settings.STATUS_LIMIT_PER_10_MINUTES = 3
    petition = register()
    codes = [status_page(resident, petition, code="BAD").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
